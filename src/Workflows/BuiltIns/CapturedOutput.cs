using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Text;

namespace Workflows.BuiltIns;

/// <summary>
/// Reads one of a process's output pipes to its end, keeping at most a limit of bytes (the first ones for standard
/// output, the last ones for standard error, where the reason of a failure usually is) and counting the rest, so
/// that a chatty process cannot use unbounded memory. Stops early, keeping what it read, when its token is cancelled.
/// </summary>
internal sealed class CapturedOutput
{
    private readonly long _limit;
    private readonly bool _keepEnd;
    private readonly ArrayBufferWriter<byte> _kept = new();
    private long _total;

    private CapturedOutput(long limit, bool keepEnd)
    {
        _limit = limit;
        _keepEnd = keepEnd;
    }

    /// <summary>True when bytes were dropped.</summary>
    public bool Truncated => _total > _limit;

    /// <summary>Reads <paramref name="stream"/> until its end or until <paramref name="stop"/> is cancelled.</summary>
    public static async Task<CapturedOutput> ReadAsync(Stream stream, long limit, bool keepEnd, CancellationToken stop)
    {
        var output = new CapturedOutput(limit, keepEnd);
        var chunk = new byte[65536];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, stop).ConfigureAwait(false)) > 0)
            {
                output.Add(chunk.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Keep what was read.
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The pipe broke (the process was killed) or was closed: keep what was read.
        }

        return output;
    }

    private void Add(ReadOnlySpan<byte> bytes)
    {
        _total += bytes.Length;
        if (!_keepEnd)
        {
            var room = (int)Math.Min(bytes.Length, Math.Max(0, _limit - _kept.WrittenCount));
            _kept.Write(bytes[..room]);
            return;
        }

        _kept.Write(bytes);
        if (_kept.WrittenCount > 2 * _limit)
        {
            // Keep the last _limit bytes; compacting at twice the limit costs one copy per _limit bytes read.
            var end = _kept.WrittenSpan[(int)(_kept.WrittenCount - _limit)..].ToArray();
            _kept.ResetWrittenCount();
            _kept.Write(end);
        }
    }

    /// <summary>The kept text (UTF-8), with a line saying what was dropped when it was cut.</summary>
    public string ToText()
    {
        var bytes = _kept.WrittenSpan;
        if (!Truncated)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var limit = SizeParser.Format(_limit);
        if (!_keepEnd)
        {
            // A character cut in two at the end is left out rather than shown as garbage.
            var decoder = Encoding.UTF8.GetDecoder();
            var chars = new char[decoder.GetCharCount(bytes, flush: false)];
            decoder.GetChars(bytes, chars, flush: false);
            return new string(chars) + $"\n[output truncated by max_output_size ({limit}): kept the first {_limit} of {_total} bytes]";
        }

        var start = bytes.Length - (int)_limit;
        while (start < bytes.Length && start < bytes.Length - (int)_limit + 3 && (bytes[start] & 0xC0) == 0x80)
        {
            start++; // Not the middle of a character.
        }

        return $"[output truncated by max_output_size ({limit}): kept the last {_limit} of {_total} bytes]\n" + Encoding.UTF8.GetString(bytes[start..]);
    }
}
