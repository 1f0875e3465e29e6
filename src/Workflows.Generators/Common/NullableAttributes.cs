namespace System.Diagnostics.CodeAnalysis;

// netstandard2.0 lacks the nullable flow attributes; the cron parser shared with the runtime uses this one.
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
internal sealed class NotNullWhenAttribute : Attribute
{
    public NotNullWhenAttribute(bool returnValue) => ReturnValue = returnValue;

    public bool ReturnValue { get; }
}
