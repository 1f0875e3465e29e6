using System;
using System.Diagnostics.CodeAnalysis;

// Also compiled into the analyzer (netstandard2.0), which checks time zones at build time.
namespace Workflows.Scheduling;

/// <summary>Finds the time zones schedules name.</summary>
public static class TimeZones
{
    /// <summary>
    /// Finds a time zone by IANA id (<c>Europe/Berlin</c>, <c>America/New_York</c>) or <c>UTC</c>. On .NET, Windows ids
    /// are found as well where the system knows them.
    /// </summary>
    /// <param name="id">The id.</param>
    /// <param name="zone">The zone, when found.</param>
    /// <returns>Whether the zone was found.</returns>
    /// <remarks>
    /// Lookups go to the system's time zone database. A runtime without IANA ids (.NET Framework on Windows, which a
    /// build may host the analyzer in) finds only <c>UTC</c> and Windows ids.
    /// </remarks>
    public static bool TryFind(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (id is null || id.Trim().Length == 0 || id.Trim().Length != id.Length)
        {
            return false;
        }

        if (string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase) || string.Equals(id, "Etc/UTC", StringComparison.OrdinalIgnoreCase))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

#if NET
        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone))
        {
            return true;
        }

        // Windows without ICU data cannot map IANA ids by itself.
        return TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out var windowsId)
            && TimeZoneInfo.TryFindSystemTimeZoneById(windowsId, out zone);
#else
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
        }
        catch (InvalidTimeZoneException)
        {
        }
        catch (System.Security.SecurityException)
        {
        }
        catch (ArgumentException)
        {
            // Ids the system rejects outright, e.g. too long or with path characters.
        }

        zone = null;
        return false;
#endif
    }
}
