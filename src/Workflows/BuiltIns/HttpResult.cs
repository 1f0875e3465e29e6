using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace Workflows.BuiltIns;

/// <summary>The output of <c>http.request</c>, <c>http.get</c> and <c>http.post</c>.</summary>
public sealed class HttpResult
{
    private readonly Lazy<JsonNode?> _json;

    /// <summary>Creates the result.</summary>
    /// <param name="statusCode">The response's status code.</param>
    /// <param name="headers">The response and content headers; looked up ignoring case.</param>
    /// <param name="body">The body as text.</param>
    public HttpResult(int statusCode, IReadOnlyDictionary<string, string> headers, string body)
        : this(statusCode, headers, body, url: string.Empty, redirects: 0)
    {
    }

    /// <summary>Creates the result of a request that ended at <paramref name="url"/> after <paramref name="redirects"/> redirects.</summary>
    /// <param name="statusCode">The final response's status code.</param>
    /// <param name="headers">The response and content headers; looked up ignoring case.</param>
    /// <param name="body">The body as text.</param>
    /// <param name="url">The URL of the final response.</param>
    /// <param name="redirects">How many redirects were followed to reach it.</param>
    public HttpResult(int statusCode, IReadOnlyDictionary<string, string> headers, string body, string url, int redirects)
    {
        StatusCode = statusCode;
        Headers = headers;
        Body = body;
        Url = url;
        Redirects = redirects;
        _json = new Lazy<JsonNode?>(ParseJson, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The URL that gave this response: the step's, or where its redirects led.</summary>
    public string Url { get; }

    /// <summary>How many redirects were followed (0 when the first response was the answer).</summary>
    public int Redirects { get; }

    /// <summary>The status code, as in <c>200</c> or <c>404</c>.</summary>
    public int StatusCode { get; }

    /// <summary>True for a 2xx status code.</summary>
    public bool IsSuccess => StatusCode is >= 200 and <= 299;

    /// <summary>
    /// The response and content headers by name (case-insensitive); several values of one header are joined
    /// with <c>", "</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body as text (empty when there is none).</summary>
    public string Body { get; }

    /// <summary>
    /// The body parsed as JSON (<see cref="System.Text.Json.Nodes"/>, no reflection), on first use, when the
    /// <c>Content-Type</c> is JSON (<c>application/json</c>, <c>text/json</c> or <c>*/*+json</c>). Null when
    /// the content type is not JSON, the body is empty or it is not valid JSON.
    /// </summary>
    public JsonNode? Json => _json.Value;

    private JsonNode? ParseJson()
    {
        if (Body.Length == 0 || !Headers.TryGetValue("Content-Type", out var contentType) || !IsJsonMediaType(contentType))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static bool IsJsonMediaType(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
