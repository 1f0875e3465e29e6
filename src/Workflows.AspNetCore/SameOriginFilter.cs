using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Workflows.AspNetCore;

/// <summary>
/// Protects the steering endpoints against cross-site request forgery without tokens: a page of another site can make a
/// browser post only an HTML form (<c>application/x-www-form-urlencoded</c>, <c>multipart/form-data</c>,
/// <c>text/plain</c>) or a request the browser marks as cross-site (<c>Sec-Fetch-Site</c>, <c>Origin</c>). Each of those
/// is refused; the dashboard (same origin, JSON through <c>fetch</c>) and clients such as curl (no <c>Origin</c>) pass.
/// </summary>
internal static class SameOriginFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "cross-site" or "same-site")
        {
            return Problems.Forbidden("This request came from another site (Sec-Fetch-Site: " + site + "); runs are steered from the dashboard or an API client.");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !SameOrigin(origin, request))
        {
            return Problems.Forbidden("This request came from another origin; runs are steered from the dashboard or an API client.");
        }

        var type = request.ContentType ?? string.Empty;
        if (type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.UnsupportedMediaType("Send the body as JSON (Content-Type: application/json), or no body; HTML forms are refused (a form of another site could post one).");
        }

        return await next(context).ConfigureAwait(false);
    }

    private static bool SameOrigin(string origin, HttpRequest request)
        => Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
