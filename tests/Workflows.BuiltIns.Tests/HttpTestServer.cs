using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.BuiltIns.Tests;

/// <summary>A real HTTP server on 127.0.0.1 (HttpListener on a free port) whose responses each test scripts.</summary>
public sealed class HttpTestServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, string, Task> _handler;
    private readonly Task _loop;

    public HttpTestServer(Func<HttpListenerContext, string, Task> handler)
    {
        _handler = handler;
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            BaseUrl = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(BaseUrl);
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; private set; }

    /// <summary>Each request as received: method, path, headers and body.</summary>
    public ConcurrentQueue<(string Method, string Path, WebHeaderCollection Headers, string Body)> Requests { get; } = new();

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _ = _loop.ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    public static async Task RespondAsync(HttpListenerContext context, int status, string body, string? contentType = null)
    {
        context.Response.StatusCode = status;
        if (contentType is not null)
        {
            context.Response.ContentType = contentType;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                string body;
                using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                {
                    body = await reader.ReadToEndAsync();
                }

                var headers = new WebHeaderCollection();
                foreach (var key in context.Request.Headers.AllKeys)
                {
                    headers[key!] = context.Request.Headers[key];
                }

                Requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body));
                try
                {
                    await _handler(context, body);
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
                {
                    // The client went away (a timeout test).
                }
            });
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
