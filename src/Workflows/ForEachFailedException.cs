using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Workflows;

/// <summary>
/// Items of a <c>foreach</c> step failed. Under fail-fast (the default) it holds the first failure and the
/// other items were cancelled; under <c>on_error: continue</c> every item ran and it holds every failure.
/// </summary>
public sealed class ForEachFailedException : Exception
{
    /// <summary>Creates the exception; <paramref name="failures"/> must not be empty.</summary>
    public ForEachFailedException(int itemCount, IReadOnlyList<ForEachItemFailure> failures)
        : base(Describe(itemCount, failures), failures.Count > 0 ? failures[0].Exception : null)
    {
        ItemCount = itemCount;
        Failures = failures;
        FailedItems = failures.Select(f => f.Index).ToArray();
    }

    /// <summary>A copy whose failures were masked (<see cref="Runtime.SecretRedactor"/>), keeping the original stack trace as text.</summary>
    internal ForEachFailedException(int itemCount, IReadOnlyList<ForEachItemFailure> failures, string stackTrace)
        : this(itemCount, failures)
        => _stackTrace = stackTrace;

    private readonly string? _stackTrace;

    /// <inheritdoc/>
    public override string? StackTrace => _stackTrace ?? base.StackTrace;

    /// <summary>How many items the step had.</summary>
    public int ItemCount { get; }

    /// <summary>The failed items, by index.</summary>
    public IReadOnlyList<ForEachItemFailure> Failures { get; }

    /// <summary>The indexes of the failed items, in order.</summary>
    public IReadOnlyList<int> FailedItems { get; }

    private static string Describe(int itemCount, IReadOnlyList<ForEachItemFailure> failures)
    {
        var text = new StringBuilder();
        text.Append(failures.Count == 1 ? "Item " : "Items ")
            .Append(string.Join(", ", failures.Select(f => f.Index.ToString(CultureInfo.InvariantCulture))))
            .Append(" of ").Append(itemCount.ToString(CultureInfo.InvariantCulture)).Append(" failed: ");
        text.Append(string.Join("; ", failures.Take(3).Select(f => $"[{f.Index}] {f.Exception.Message}")));
        if (failures.Count > 3)
        {
            text.Append("; and ").Append((failures.Count - 3).ToString(CultureInfo.InvariantCulture)).Append(" more");
        }

        return text.ToString();
    }
}

/// <summary>One failed item of a <c>foreach</c> step.</summary>
/// <param name="Index">The item's position in the collection.</param>
/// <param name="Exception">What its action threw (after its retries).</param>
public sealed record ForEachItemFailure(int Index, Exception Exception);
