using System.Threading;

namespace Workflows.Runtime;

/// <summary>
/// A small pool of idle objects that every thread takes from and gives back to (slots swapped with
/// compare-exchange). For objects a run takes once and gives back once, possibly on another thread: a pool per
/// thread would keep them where they were given back, away from the thread that asks next.
/// </summary>
internal static class SharedPool
{
    /// <summary>An idle object from <paramref name="slots"/>, or null when they are all empty.</summary>
    public static T? Rent<T>(T?[] slots)
        where T : class
    {
        for (var i = 0; i < slots.Length; i++)
        {
            var item = Volatile.Read(ref slots[i]);
            if (item is not null && Interlocked.CompareExchange(ref slots[i], null, item) == item)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Puts <paramref name="item"/> in an empty slot; when none is left it is dropped, for the GC.</summary>
    public static void Return<T>(T?[] slots, T item)
        where T : class
    {
        for (var i = 0; i < slots.Length; i++)
        {
            if (Volatile.Read(ref slots[i]) is null && Interlocked.CompareExchange(ref slots[i], item, null) is null)
            {
                return;
            }
        }
    }
}
