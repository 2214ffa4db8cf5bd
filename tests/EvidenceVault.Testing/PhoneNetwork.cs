using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace EvidenceVault.Testing;

/// <summary>
/// A TCP proxy in front of a server, standing for a phone's network: it can drop every open connection once the
/// client has sent a given number of bytes (the network lost in the middle of an upload) or received one (in the
/// middle of a download), stay down for a moment
/// (connections opened meanwhile are reset; later ones pass), and carry the client's bytes at a limited rate.
/// </summary>
public sealed class PhoneNetwork : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;
    private long _sent;
    private long _received;
    private int _cuts;

    private readonly long _cutAfterBytes;

    private long _downUntilTicks;

    public PhoneNetwork(Uri target, long cutAfterBytes = long.MaxValue, long bytesPerSecond = long.MaxValue)
    {
        BytesPerSecond = bytesPerSecond;
        _cutAfterBytes = cutAfterBytes;
        ArgumentNullException.ThrowIfNull(target);
        _target = new IPEndPoint(IPAddress.Loopback, target.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>How long the network stays down after each cut: connections opened meanwhile are reset at once.</summary>
    public TimeSpan Outage { get; init; }

    /// <summary>Drops every open connection once the server has sent the client this many bytes (headers included).</summary>
    public long CutDownloadAfterBytes { get; init; } = long.MaxValue;

    /// <summary>The upload rate of the client's bytes.</summary>
    public long BytesPerSecond { get; }

    /// <summary>How many times connections were dropped (once at most).</summary>
    public int Cuts => _cuts;

    /// <summary>Client connections still carried to the server (each is a pair of sockets here).</summary>
    public int OpenConnections => _open.Count / 2;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            if (Environment.TickCount64 < Volatile.Read(ref _downUntilTicks))
            {
                Reset(client);
                continue;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await server.ConnectAsync(_target, _stop.Token);
            _open[client] = 0;
            _open[server] = 0;
            _ = Task.WhenAll(PumpAsync(client, server, upload: true), PumpAsync(server, client, upload: false))
                .ContinueWith(_ => Close(client, server), TaskScheduler.Default);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool upload)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                var carried = Interlocked.Add(ref upload ? ref _sent : ref _received, read);
                if (carried >= (upload ? _cutAfterBytes : CutDownloadAfterBytes) && Interlocked.CompareExchange(ref _cuts, 1, 0) == 0)
                {
                    // Drop everything open, as a lost network does: no orderly close, the peers see a reset.
                    Volatile.Write(ref _downUntilTicks, Environment.TickCount64 + (long)Outage.TotalMilliseconds);
                    foreach (var socket in _open.Keys)
                    {
                        Reset(socket);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
                if (upload && BytesPerSecond != long.MaxValue)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)read / BytesPerSecond), _stop.Token);
                }
            }
        }
        catch (SocketException)
        {
            // One end reset its connection, as a killed program's system does: the other end sees a reset too, as it
            // would with no network between them, rather than a connection that goes quiet.
            Reset(to);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
            // The connection was cut or the network stopped: the other direction notices on its own.
        }
    }

    /// <summary>Closes <paramref name="socket"/> with a reset (no orderly close), unless it is gone already.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private void Close(Socket client, Socket server)
    {
        _open.TryRemove(client, out _);
        _open.TryRemove(server, out _);
        client.Dispose();
        server.Dispose();
    }
}
