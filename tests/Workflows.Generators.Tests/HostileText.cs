using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Workflows.Generators.Tests;

/// <summary>
/// Text that would turn into code, or break the build, if copied raw into generated C#: every character C#
/// ends a line at, comment and string terminators, XML markup, escapes, braces, control and bidirectional
/// characters. For any test that puts user text somewhere (the random-workflow test can draw from it too).
/// </summary>
internal static class HostileText
{
    /// <summary>The five characters C# ends a line at.</summary>
    public static readonly string[] LineTerminators = { "\r", "\n", "\u0085", "\u2028", "\u2029" };

    /// <summary>A class that runs when the assembly loads, if it ever becomes code.</summary>
    public const string PayloadType = "Pwned";

    public const string Payload =
        "public static class Pwned { [global::System.Runtime.CompilerServices.ModuleInitializer] internal static void Run() => global::System.Environment.Exit(66); }";

    /// <summary>Each line terminator followed by the payload, plus the other ways out of a comment or string.</summary>
    public static IEnumerable<string> Escapes()
    {
        foreach (var terminator in LineTerminators.Append("\r\n"))
        {
            yield return "x" + terminator + Payload + terminator + "//";
        }

        yield return "*/ " + Payload + " /*";
        yield return "</summary> " + Payload + " <summary>";
        yield return "\" + (new global::System.Func<int>(() => 1))() + \"";
        yield return "'\" ; } " + Payload + " class Q { string s = \"";
    }

    /// <summary>Everything: the escapes and text that is merely awkward.</summary>
    public static IEnumerable<string> Corpus()
    {
        foreach (var text in Escapes())
        {
            yield return text;
        }

        foreach (var terminator in LineTerminators)
        {
            yield return "a" + terminator + "b";
        }

        yield return "two\nlines\n";
        yield return "\"quoted\" and 'single'";
        yield return "back\\slash \\u0022 \\n \\";
        yield return "{ } {{ }} {0} $\"{x}\" ${ not an expression }";
        yield return "{(\"\" + 1)} {(";
        yield return "<b>bold</b> & &amp; &lt; <![CDATA[ x ]]> <!-- c -->";
        yield return "/* open // line /// doc */";
        yield return "#if X\n#error injected\n#endif";
        yield return "tab\there, nul\0, bell\a, escape\u001b, del\u007f";
        yield return "bidi \u202Eevil\u202C \u2066iso\u2069 zw\u200Bsp";
        yield return "emoji \U0001F600 and \u00e9\u0301 and \uFEFF";
        yield return new string('x', 3000);
    }

    /// <summary>A YAML double-quoted scalar holding exactly <paramref name="text"/>.</summary>
    public static string Yaml(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4"));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
