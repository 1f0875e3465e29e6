namespace Workflows.Durability;

/// <summary>
/// What an operator asked of a running run (<see cref="RunRecord.Requested"/>). A running run's status is only
/// ever changed by the process that owns it, so a pause or a cancel is recorded as a request that the owner
/// applies at its next step boundary (it checks every <see cref="WorkflowOptions.ControlInterval"/>): the
/// record then says what happened, not what was asked.
/// </summary>
public enum RunControl
{
    /// <summary>Stop at the next step boundary and become <see cref="RunStatus.Paused"/>; running steps finish.</summary>
    Pause,

    /// <summary>Cancel the running actions' tokens at once and become <see cref="RunStatus.Cancelled"/>.</summary>
    Cancel,
}
