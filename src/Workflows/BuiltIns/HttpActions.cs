using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Runtime;
using Workflows.Text;

namespace Workflows.BuiltIns;

/// <summary>
/// The built-in <c>http.request</c> action and its <c>http.get</c> / <c>http.post</c> shorthands. Requests go
/// through <see cref="WorkflowOptions.HttpClient"/> (one shared client when not set). A status outside 2xx
/// fails the step with <see cref="HttpRequestException"/> unless <c>allow_failure</c> or
/// <c>allowed_statuses</c> accepts it.
/// </summary>
/// <remarks>
/// Redirects are followed here, not by the handler, so that a request's headers (API keys, cookies, tokens) never
/// reach another origin: by default only redirects to the same origin (scheme, host and port) are followed;
/// <c>follow_redirects: true</c> follows any, dropping every header the step set once the request leaves the
/// origin; <c>follow_redirects: false</c> follows none. The whole exchange, body included, is bounded by
/// <c>timeout</c> (else the client's <see cref="HttpClient.Timeout"/>, 100 seconds by default) and the body by
/// <c>max_response_size</c>.
/// </remarks>
public static class HttpActions
{
    private const int BodySnippetLength = 500;

    /// <summary>How many redirects one request follows at most.</summary>
    public const int MaxRedirects = 20;

    /// <summary>The largest response body read when <c>max_response_size</c> is not given: 10 MB.</summary>
    public const long DefaultMaxResponseSize = 10L << 20;

    // Redirects are followed by SendAsync (see the remarks); cookies are not kept between requests of
    // unrelated workflows sharing this client.
    private static readonly Lazy<HttpClient> s_sharedClient = new(
        () => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false, UseCookies = false }),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Sends an HTTP request and reads the whole response.</summary>
    /// <param name="url">An absolute <c>http</c> or <c>https</c> URL.</param>
    /// <param name="context">The step.</param>
    /// <param name="method">The method (<c>GET</c> by default; any token, as in <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c>).</param>
    /// <param name="headers">Request headers; <c>Content-Type</c> and other content headers apply to the body.</param>
    /// <param name="body">A text body, sent as <c>text/plain; charset=utf-8</c> unless <paramref name="headers"/> says otherwise.</param>
    /// <param name="json">A JSON body as raw JSON text (checked to be valid), sent as <c>application/json</c>. Not together with <paramref name="body"/>.</param>
    /// <param name="timeout">A duration (<c>30s</c>) bounding the whole exchange, redirects and body included; past it the step fails with <see cref="TimeoutException"/>. Default: the client's timeout (100 seconds).</param>
    /// <param name="allowFailure">When true, any status code is returned instead of failing the step.</param>
    /// <param name="allowedStatuses">Status codes accepted besides 2xx: <c>404</c>, or a class such as <c>4xx</c>. A redirect whose status is listed is returned, not followed.</param>
    /// <param name="followRedirects"><c>same-origin</c> (the default): follow redirects to the same scheme, host and port only; <c>true</c>: follow any, without the step's headers once on another origin; <c>false</c>: follow none.</param>
    /// <param name="maxResponseSize">The largest body read (<c>10MB</c> by default; <c>512KB</c>, <c>1GB</c>, or bytes); a larger one fails the step.</param>
    /// <returns>The status code, headers, body, (for JSON responses) parsed JSON, the final URL and the redirects followed.</returns>
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
        IReadOnlyList<string>? allowedStatuses = null,
        string? followRedirects = null,
        string? maxResponseSize = null)
        => SendAsync(url, context, method, headers, body, json, timeout, allowFailure, allowedStatuses, followRedirects, maxResponseSize);

    /// <summary>Sends a <c>GET</c> request (see <see cref="RequestAsync"/>).</summary>
    /// <param name="url">An absolute <c>http</c> or <c>https</c> URL.</param>
    /// <param name="context">The step.</param>
    /// <param name="headers">Request headers.</param>
    /// <param name="timeout">A duration bounding the whole exchange, body included.</param>
    /// <param name="allowFailure">When true, any status code is returned instead of failing the step.</param>
    /// <param name="followRedirects"><c>same-origin</c> (the default), <c>true</c> or <c>false</c> (see <see cref="RequestAsync"/>).</param>
    /// <param name="maxResponseSize">The largest body read (<c>10MB</c> by default).</param>
    /// <returns>The status code, headers, body and (for JSON responses) parsed JSON.</returns>
    [WorkflowAction("http.get", Description = "Sends an HTTP GET request.")]
    public static Task<HttpResult> GetAsync(
        string url,
        StepContext context,
        IReadOnlyDictionary<string, string>? headers = null,
        string? timeout = null,
        bool allowFailure = false,
        string? followRedirects = null,
        string? maxResponseSize = null)
        => SendAsync(url, context, "GET", headers, body: null, json: null, timeout, allowFailure, allowedStatuses: null, followRedirects, maxResponseSize);

    /// <summary>Sends a <c>POST</c> request with a text or JSON body (see <see cref="RequestAsync"/>).</summary>
    /// <param name="url">An absolute <c>http</c> or <c>https</c> URL.</param>
    /// <param name="context">The step.</param>
    /// <param name="body">A text body.</param>
    /// <param name="json">A JSON body as raw JSON text, sent as <c>application/json</c>.</param>
    /// <param name="headers">Request headers.</param>
    /// <param name="timeout">A duration bounding the whole exchange, body included.</param>
    /// <param name="allowFailure">When true, any status code is returned instead of failing the step.</param>
    /// <param name="followRedirects"><c>same-origin</c> (the default), <c>true</c> or <c>false</c> (see <see cref="RequestAsync"/>).</param>
    /// <param name="maxResponseSize">The largest body read (<c>10MB</c> by default).</param>
    /// <returns>The status code, headers, body and (for JSON responses) parsed JSON.</returns>
    [WorkflowAction("http.post", Description = "Sends an HTTP POST request with a text or JSON body.")]
    public static Task<HttpResult> PostAsync(
        string url,
        StepContext context,
        string? body = null,
        string? json = null,
        IReadOnlyDictionary<string, string>? headers = null,
        string? timeout = null,
        bool allowFailure = false,
        string? followRedirects = null,
        string? maxResponseSize = null)
        => SendAsync(url, context, "POST", headers, body, json, timeout, allowFailure, allowedStatuses: null, followRedirects, maxResponseSize);

    private enum RedirectPolicy
    {
        None,
        SameOrigin,
        Any,
    }

    private static async Task<HttpResult> SendAsync(
        string url,
        StepContext context,
        string method,
        IReadOnlyDictionary<string, string>? headers,
        string? body,
        string? json,
        string? timeout,
        bool allowFailure,
        IReadOnlyList<string>? allowedStatuses,
        string? followRedirects,
        string? maxResponseSize)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsHttp(uri))
        {
            throw new ArgumentException($"'{SecretRedactor.Redact(url)}' is not an absolute http or https URL.", nameof(url));
        }

        if (string.IsNullOrWhiteSpace(method))
        {
            throw new ArgumentException("'method' must not be empty.", nameof(method));
        }

        if (body is not null && json is not null)
        {
            throw new ArgumentException("Give either 'body' or 'json', not both.", nameof(json));
        }

        if (json is not null)
        {
            ValidateJson(json);
        }

        var policy = ParsePolicy(followRedirects);
        var maxBytes = maxResponseSize is null ? DefaultMaxResponseSize : SizeParser.Parse(maxResponseSize, "max_response_size");
        var accepted = ParseAllowedStatuses(allowedStatuses);
        var client = context.Options.HttpClient ?? s_sharedClient.Value;

        // One deadline on the run's clock for the whole exchange, body included: HttpClient.Timeout covers only
        // the time to the response headers when the body is streamed.
        var limit = timeout is not null ? DurationParser.Parse(timeout, nameof(timeout))
            : client.Timeout != Timeout.InfiniteTimeSpan ? client.Timeout
            : (TimeSpan?)null;
        using var timeoutSource = limit is { } span ? new CancellationTokenSource(span, context.TimeProvider) : null;
        using var linkedSource = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timeoutSource.Token);
        var token = linkedSource?.Token ?? context.CancellationToken;

        var verb = new HttpMethod(method.Trim().ToUpperInvariant());
        var current = uri;
        var withBody = true;
        var leftOrigin = false;
        var redirects = 0;
        string? notFollowed = null;
        HttpResult result;
        try
        {
            while (true)
            {
                using var request = CreateRequest(verb, current, withBody ? body : null, withBody ? json : null, headers, leftOrigin, droppedBody: !withBody);
                using var response = await SendOneAsync(client, request, token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (IsRedirect(status) && response.Headers.Location is { } location && !IsAccepted(status, accepted))
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    notFollowed = policy == RedirectPolicy.None ? "redirects are not followed (follow_redirects: false)"
                        : !IsHttp(next) ? "it is not an http or https URL"
                        : current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp ? "it goes from https to plain http"
                        : policy == RedirectPolicy.SameOrigin && !SameOrigin(uri, next) ? $"it leads to another origin than {Origin(uri)} (follow_redirects: same-origin; set follow_redirects: true to follow it without the step's headers)"
                        : null;
                    if (notFollowed is null)
                    {
                        if (++redirects > MaxRedirects)
                        {
                            throw new HttpRequestException($"{verb} {SafeUrl(uri)} was redirected more than {MaxRedirects} times (last to {SafeUrl(next)}).");
                        }

                        // As browsers do: 303 turns into GET, and so does a POST answered by 301 or 302; 307 and 308 repeat the request.
                        if (status == 303 ? verb != HttpMethod.Head : status is 301 or 302 && verb == HttpMethod.Post)
                        {
                            verb = HttpMethod.Get;
                            withBody = false;
                        }

                        // Once the request has left its origin, the step's headers stay behind, even on the way back.
                        leftOrigin |= !SameOrigin(uri, next);
                        current = next;
                        continue;
                    }

                    notFollowed = $"a redirect to {SafeUrl(next)}, not followed: {notFollowed}";
                }

                var text = await ReadBodyAsync(response, maxBytes, verb, current, token).ConfigureAwait(false);
                var responseHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var header in response.Headers)
                {
                    responseHeaders[header.Key] = string.Join(", ", header.Value);
                }

                foreach (var header in response.Content.Headers)
                {
                    responseHeaders[header.Key] = string.Join(", ", header.Value);
                }

                result = new HttpResult(status, responseHeaders, text, current.AbsoluteUri, redirects);
                break;
            }
        }
        catch (OperationCanceledException exception) when (!context.CancellationToken.IsCancellationRequested)
        {
            var within = timeout is not null ? $"within {timeout}" : $"within the HttpClient's timeout ({client.Timeout})";
            throw new TimeoutException($"{verb} {SafeUrl(current)} did not complete {within}.", exception);
        }

        if (!result.IsSuccess && !allowFailure && !IsAccepted(result.StatusCode, accepted))
        {
            // Masked before it is cut: a cut secret would leave its start in clear.
            var masked = SecretRedactor.Redact(result.Body);
            var snippet = masked.Length <= BodySnippetLength ? masked : masked[..BodySnippetLength] + "…";
            throw new HttpRequestException(
                $"{verb} {SafeUrl(current)} returned {result.StatusCode} ({(HttpStatusCode)result.StatusCode})"
                    + (notFollowed is null ? ". " : $", {notFollowed}. ")
                    + "Set allow_failure: true or list the status in allowed_statuses to accept it."
                    + (snippet.Length == 0 ? string.Empty : $" Body: {snippet}"),
                inner: null,
                (HttpStatusCode)result.StatusCode);
        }

        return result;
    }

    private static async Task<HttpResponseMessage> SendOneAsync(HttpClient client, HttpRequestMessage request, CancellationToken token)
    {
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            // Name the URL that failed (without its query, secrets masked): after redirects it is not the step's.
            throw new HttpRequestException(exception.HttpRequestError, $"{request.Method} {SafeUrl(request.RequestUri!)} failed: {SecretRedactor.Redact(exception.Message)}", exception, exception.StatusCode);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpMethod method, Uri uri, string? body, string? json, IReadOnlyDictionary<string, string>? headers, bool leftOrigin, bool droppedBody)
    {
        var request = new HttpRequestMessage(method, uri);
        if (json is not null)
        {
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
                // On another origin only the description of a body repeated by 307/308 goes along.
                if (!leftOrigin || (request.Content is not null && name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
                {
                    AddHeader(request, name, value, droppedBody);
                }
            }
        }

        return request;
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, long maxBytes, HttpMethod method, Uri uri, CancellationToken token)
    {
        if (response.Content.Headers.ContentLength is long length && length > maxBytes)
        {
            throw TooLarge(method, uri, maxBytes, $"{length} bytes");
        }

        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(method, uri, maxBytes, "more");
                }

                buffer.Write(chunk, 0, read);
            }
        }

        // Decoded as HttpContent does (charset, byte order mark), from the bytes read under the limit.
        using var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        foreach (var header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return await content.ReadAsStringAsync(token).ConfigureAwait(false);
    }

    private static HttpRequestException TooLarge(HttpMethod method, Uri uri, long maxBytes, string actual)
        => new(HttpRequestError.ConfigurationLimitExceeded, $"{method} {SafeUrl(uri)} sent a body larger than max_response_size ({SizeParser.Format(maxBytes)}; it sent {actual}). Raise max_response_size to accept it.");

    private static RedirectPolicy ParsePolicy(string? followRedirects) => followRedirects?.Trim().ToLowerInvariant() switch
    {
        null or "same-origin" => RedirectPolicy.SameOrigin,
        "true" => RedirectPolicy.Any,
        "false" => RedirectPolicy.None,
        _ => throw new ArgumentException($"'{followRedirects}' is not a value of follow_redirects: use same-origin (the default), true or false.", nameof(followRedirects)),
    };

    private static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static bool SameOrigin(Uri a, Uri b)
        => string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;

    private static string Origin(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

    /// <summary>The URL for messages: no user info, no query, no fragment, secrets masked.</summary>
    private static string SafeUrl(Uri uri)
        => SecretRedactor.Redact(uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));

    private static void AddHeader(HttpRequestMessage request, string name, string value, bool droppedBody)
    {
        if (request.Headers.TryAddWithoutValidation(name, value))
        {
            return;
        }

        if (request.Content is null)
        {
            if (droppedBody)
            {
                // A redirect turned the request into a GET without its body: its content headers go with it.
                return;
            }

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
