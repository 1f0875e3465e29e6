using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Workflows.AspNetCore;

/// <summary>
/// The dashboard: plain HTML, CSS and JavaScript embedded in this assembly (no build step, no vendored library), served at
/// <see cref="WorkflowApiOptions.DashboardPath"/>. Its page reads the API's prefix from a meta tag.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly Dictionary<string, string> s_types = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    public static void Map(IEndpointRouteBuilder endpoints, string path, string apiPrefix, WorkflowApiOptions settings)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in s_types.Keys)
        {
            files[name] = Read(name);
        }

        // The page names the API (and its own path) for the script; the API's prefix is the app's, not user input.
        files["index.html"] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(files["index.html"])
            .Replace("{{api}}", System.Net.WebUtility.HtmlEncode(apiPrefix), StringComparison.Ordinal)
            .Replace("{{base}}", System.Net.WebUtility.HtmlEncode(path), StringComparison.Ordinal));

        var group = endpoints.MapGroup(path).ExcludeFromDescription();
        if (settings.ReadPolicy is { } policy)
        {
            group.RequireAuthorization(policy);
        }

        group.MapGet("/", (HttpContext context) => Serve(context, files, "index.html"));
        group.MapGet("/{file}", (string file, HttpContext context) => files.ContainsKey(file) ? Serve(context, files, file) : Serve(context, files, "index.html"));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult Serve(HttpContext context, Dictionary<string, byte[]> files, string name)
    {
        var headers = context.Response.Headers;
        headers["X-Content-Type-Options"] = "nosniff";
        headers["X-Frame-Options"] = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(files[name], s_types[name]);
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Dashboard/" + name)
            ?? throw new InvalidOperationException($"The dashboard's file '{name}' is missing from {typeof(DashboardEndpoints).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
