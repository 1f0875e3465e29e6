namespace Workflows.Durability;

/// <summary>
/// Where a new run queues for admission: its concurrency key (<c>concurrency: key</c>; empty when the limit is the
/// whole workflow's) and its priority (<c>priority:</c>; higher first, 0 by default). Computed from the run's inputs
/// by generated code.
/// </summary>
/// <param name="ConcurrencyKey">The concurrency group within the workflow; empty for the whole workflow.</param>
/// <param name="Priority">Higher runs are admitted and claimed first; equal ones in enqueue order.</param>
public readonly record struct RunAdmission(string ConcurrencyKey, int Priority);
