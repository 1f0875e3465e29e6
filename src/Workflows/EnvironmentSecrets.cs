using System;
using System.Diagnostics.CodeAnalysis;

namespace Workflows;

/// <summary>
/// Reads secrets from environment variables: <c>secrets.NAME</c> is the variable <c>NAME</c>, or
/// <c>PREFIX_NAME</c> when created with a prefix such as <c>"PREFIX_"</c>. The default secret provider.
/// </summary>
public sealed class EnvironmentSecrets : IWorkflowSecrets
{
    /// <summary>Reads variables by the secret's name, without a prefix.</summary>
    public static EnvironmentSecrets Default { get; } = new();

    /// <summary>Creates a provider.</summary>
    /// <param name="prefix">Put before each secret's name to form the variable's name; null or empty for none.</param>
    public EnvironmentSecrets(string? prefix = null) => Prefix = prefix ?? string.Empty;

    /// <summary>Put before each secret's name to form the variable's name (may be empty).</summary>
    public string Prefix { get; }

    /// <inheritdoc />
    public bool TryGetSecret(string name, [NotNullWhen(true)] out string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        value = Environment.GetEnvironmentVariable(Prefix + name);
        return value is not null;
    }
}
