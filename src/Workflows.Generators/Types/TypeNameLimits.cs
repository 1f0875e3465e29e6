namespace Workflows.Generators.Types;

/// <summary>
/// How long a type name written in YAML (<c>type:</c>, <c>retry.on</c>, <c>json_context</c>) may be. Names are
/// resolved on every compilation, in an IDE on every keystroke: a bound keeps a pasted or generated monster from
/// stalling the compiler, and no real C# type comes near it.
/// </summary>
internal static class TypeNameLimits
{
    public const int MaxLength = 512;
    public const int MaxArrayRank = 8;

    /// <summary>What is wrong with <paramref name="name"/>'s size, or null when it is within the limits.</summary>
    public static string? Check(string name)
    {
        var rank = 0;
        var end = name.Length;
        while (end >= 2 && name[end - 1] == ']' && name[end - 2] == '[')
        {
            rank++;
            end -= 2;
            while (end > 0 && char.IsWhiteSpace(name[end - 1]))
            {
                end--;
            }
        }

        if (rank > MaxArrayRank)
        {
            return $"it nests {rank} arrays; a type name may nest at most {MaxArrayRank}";
        }

        return name.Length > MaxLength ? $"it is {name.Length} characters long; a type name may have at most {MaxLength}" : null;
    }

    /// <summary>The start of a long name, for a message that must not repeat the whole of it.</summary>
    public static string Shorten(string name) => name.Length <= 80 ? name : name.Substring(0, 77) + "...";
}
