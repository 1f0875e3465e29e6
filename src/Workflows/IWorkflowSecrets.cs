using System.Diagnostics.CodeAnalysis;

namespace Workflows;

/// <summary>
/// Supplies the values of <c>${{ secrets.NAME }}</c>. Pass one in <see cref="WorkflowOptions.Secrets"/>;
/// without one, secrets are read from environment variables (<see cref="EnvironmentSecrets"/>).
/// </summary>
public interface IWorkflowSecrets
{
    /// <summary>Looks a secret up by name.</summary>
    /// <param name="name">The name written after <c>secrets.</c>.</param>
    /// <param name="value">The secret's value when found.</param>
    /// <returns>True when the secret exists.</returns>
    bool TryGetSecret(string name, [NotNullWhen(true)] out string? value);
}
