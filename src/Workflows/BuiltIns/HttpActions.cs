using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Text;

namespace Workflows.BuiltIns;

/// <summary>
/// The built-in <c>http.request</c> action and its <c>http.get</c> / <c>http.post</c> shorthands. Requests go
/// through <see cref="WorkflowOptions.HttpClient"/> (one shared client when not set). A status outside 2xx
/// fails the step with <see cref="HttpRequestException"/> unless <c>allow_failure</c> or
/// <c>allowed_statuses</c> accepts it.
/// </summary>
public static class HttpActions
{
    private const int BodySnippetLength = 500;

    private static readonly Lazy<HttpClient> s_sharedClient = new(
        () => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Sends an HTTP request and reads the whole response.</summary>
    /// <param name="url">An absolute <c>http</c> or <c>https</c> URL.</param>
    /// <param name="context">The step.</param>
    /// <param name="method">The method (<c>GET</c> by default; any token, as in <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c>).</param>
    /// <param name="headers">Request headers; <c>Content-Type</c> and other content headers apply to the body.</param>
    /// <param name="body">A text body, sent as <c>text/plain; charset=utf-8</c> unless <paramref name="headers"/> says otherwise.</param>
    /// <param name="json">A JSON body as raw JSON text (checked to be valid), sent as <c>application/json</c>. Not together with <paramref name="body"/>.</param>
    /// <param name="timeout">A duration (<c>30s</c>); past it the request is abandoned and the step fails with <see cref="TimeoutException"/>. The client's own timeout applies too.</param>
    /// <param name="allowFailure">When true, any status code is returned instead of failing the step.</param>
    /// <param name="allowedStatuses">Status codes accepted besides 2xx: <c>404</c>, or a class such as <c>4xx</c>.</param>
    /// <returns>The status code, headers, body and (for JSON responses) parsed JSON.</returns>
    [WorkflowAction("http.request", Description = "Sends an HTTP request; returns status, headers, body and parsed JSON.")]
    public static Task<HttpResult> RequestAsync(
        string url,
        StepContext context,
        string method = "GET",
        IReadOnlyDictionary<string, string>? headers = null,
        string? body = null,
        string? json = null,
        string? timeout = null,
        bool allowFailure = false,
        IReadOnlyList<string>? allowedStatuses = null)
        => SendAsync(url, context, method, headers, body, json, timeout, allowFailure, allowedStatuses);

    /// <summary>Sends a <c>GET</c> request (see <see cref="RequestAsync"/>).</summary>
    /// <param name="url">An absolute <c>http</c> or <c>https</c> URL.</param>
    /// <param name="context">The step.</param>
    /// <param name="headers">Request headers.</param>
    /// <param name="timeout">A duration after which the request is abandoned.</param>
    /// <param name="allowFailure">When true, any status code is returned instead of failing the step.</param>
    /// <returns>The status code, headers, body and (for JSON responses) parsed JSON.</returns>
    [WorkflowAction("http.get", Description = "Sends an HTTP GET request.")]
    public static Task<HttpResult> GetAsync(
        string url,
        StepContext context,
        IReadOnlyDictionary<string, string>? headers = null,
        string? timeout = null,
        bool allowFailure = false)
        => SendAsync(url, context, "GET", headers, body: null, json: null, timeout, allowFailure, allowedStatuses: null);

    /// <summary>Sends a <c>POST</c> request with a text or JSON body (see <see cref="RequestAsync"/>).</summary>
    /// <param name="url">An absolute <c>http</c> or <c>https</c> URL.</param>
    /// <param name="context">The step.</param>
    /// <param name="body">A text body.</param>
    /// <param name="json">A JSON body as raw JSON text, sent as <c>application/json</c>.</param>
    /// <param name="headers">Request headers.</param>
    /// <param name="timeout">A duration after which the request is abandoned.</param>
    /// <param name="allowFailure">When true, any status code is returned instead of failing the step.</param>
    /// <returns>The status code, headers, body and (for JSON responses) parsed JSON.</returns>
    [WorkflowAction("http.post", Description = "Sends an HTTP POST request with a text or JSON body.")]
    public static Task<HttpResult> PostAsync(
        string url,
        StepContext context,
        string? body = null,
        string? json = null,
        IReadOnlyDictionary<string, string>? headers = null,
        string? timeout = null,
        bool allowFailure = false)
        => SendAsync(url, context, "POST", headers, body, json, timeout, allowFailure, allowedStatuses: null);

    private static async Task<HttpResult> SendAsync(
        string url,
        StepContext context,
        string method,
        IReadOnlyDictionary<string, string>? headers,
        string? body,
        string? json,
        string? timeout,
        bool allowFailure,
        IReadOnlyList<string>? allowedStatuses)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{url}' is not an absolute http or https URL.", nameof(url));
        }

        if (string.IsNullOrWhiteSpace(method))
        {
            throw new ArgumentException("'method' must not be empty.", nameof(method));
        }

        if (body is not null && json is not null)
        {
            throw new ArgumentException("Give either 'body' or 'json', not both.", nameof(json));
        }

        var limit = timeout is null ? (TimeSpan?)null : DurationParser.Parse(timeout, nameof(timeout));
        var accepted = ParseAllowedStatuses(allowedStatuses);

        using var request = new HttpRequestMessage(new HttpMethod(method.Trim().ToUpperInvariant()), uri);
        if (json is not null)
        {
            ValidateJson(json);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        }

        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                AddHeader(request, name, value);
            }
        }

        using var timeoutSource = limit is { } span ? new CancellationTokenSource(span, context.TimeProvider) : null;
        using var linkedSource = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timeoutSource.Token);
        var token = linkedSource?.Token ?? context.CancellationToken;
        var client = context.Options.HttpClient ?? s_sharedClient.Value;
        var safeUrl = uri.GetLeftPart(UriPartial.Path);

        HttpResult result;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
            var responseHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in response.Headers)
            {
                responseHeaders[header.Key] = string.Join(", ", header.Value);
            }

            foreach (var header in response.Content.Headers)
            {
                responseHeaders[header.Key] = string.Join(", ", header.Value);
            }

            result = new HttpResult((int)response.StatusCode, responseHeaders, text);
        }
        catch (OperationCanceledException exception) when (!context.CancellationToken.IsCancellationRequested)
        {
            var within = timeoutSource?.IsCancellationRequested == true ? $"within {timeout}" : $"within the HttpClient's timeout ({client.Timeout})";
            throw new TimeoutException($"{request.Method} {safeUrl} did not respond {within}.", exception);
        }

        if (!result.IsSuccess && !allowFailure && !IsAccepted(result.StatusCode, accepted))
        {
            var snippet = result.Body.Length <= BodySnippetLength ? result.Body : result.Body[..BodySnippetLength] + "…";
            throw new HttpRequestException(
                $"{request.Method} {safeUrl} returned {result.StatusCode} ({(HttpStatusCode)result.StatusCode}). "
                    + "Set allow_failure: true or list the status in allowed_statuses to accept it."
                    + (snippet.Length == 0 ? string.Empty : $" Body: {snippet}"),
                inner: null,
                (HttpStatusCode)result.StatusCode);
        }

        return result;
    }

    private static void AddHeader(HttpRequestMessage request, string name, string value)
    {
        if (request.Headers.TryAddWithoutValidation(name, value))
        {
            return;
        }

        if (request.Content is null)
        {
            throw new ArgumentException($"The header '{name}' describes a body, but the request has none: give 'body' or 'json'.");
        }

        if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            return;
        }

        request.Content.Headers.Remove(name);
        if (!request.Content.Headers.TryAddWithoutValidation(name, value))
        {
            throw new ArgumentException($"The header '{name}' cannot be set on a request.");
        }
    }

    private static void ValidateJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new ArgumentException($"'json' is not valid JSON: {exception.Message}", nameof(json), exception);
        }
    }

    private static List<(int Low, int High)> ParseAllowedStatuses(IReadOnlyList<string>? allowedStatuses)
    {
        var ranges = new List<(int, int)>();
        if (allowedStatuses is null)
        {
            return ranges;
        }

        foreach (var raw in allowedStatuses)
        {
            var text = raw?.Trim() ?? string.Empty;
            if (text.Length == 3 && char.IsAsciiDigit(text[0]) && text[1..].Equals("xx", StringComparison.OrdinalIgnoreCase))
            {
                var hundred = (text[0] - '0') * 100;
                ranges.Add((hundred, hundred + 99));
            }
            else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 999)
            {
                ranges.Add((code, code));
            }
            else
            {
                throw new ArgumentException($"'{raw}' is not a status code: use a number such as 404 or a class such as 4xx.", nameof(allowedStatuses));
            }
        }

        return ranges;
    }

    private static bool IsAccepted(int statusCode, List<(int Low, int High)> accepted)
    {
        foreach (var (low, high) in accepted)
        {
            if (statusCode >= low && statusCode <= high)
            {
                return true;
            }
        }

        return false;
    }
}
