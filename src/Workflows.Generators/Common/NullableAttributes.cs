namespace System.Diagnostics.CodeAnalysis
{
    // netstandard2.0 lacks the nullable flow attributes; the cron parser shared with the runtime uses this one.
    // [Embedded] keeps it invisible to assemblies that see our internals (the tests), which have their own.
    [Microsoft.CodeAnalysis.Embedded]
    [AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
    internal sealed class NotNullWhenAttribute : Attribute
    {
        public NotNullWhenAttribute(bool returnValue) => ReturnValue = returnValue;

        public bool ReturnValue { get; }
    }
}

namespace Microsoft.CodeAnalysis
{
    /// <summary>Marks a type the compiler hides from every other assembly, even one given access to internals.</summary>
    [System.AttributeUsage(System.AttributeTargets.All, Inherited = false)]
    internal sealed class EmbeddedAttribute : System.Attribute
    {
    }
}
