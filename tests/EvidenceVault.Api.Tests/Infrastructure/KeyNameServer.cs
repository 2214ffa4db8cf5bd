using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EvidenceVault.Api.Tests.Infrastructure;

/// <summary>
/// A name server on 127.0.0.1 that answers the vault's questions for DKIM keys over UDP, as a domain's name servers do:
/// the text records published for a name (a long one split into strings of at most 255 bytes, as the record format
/// requires), "no such name" for one with none, and no answer at all for a name it is told to ignore. One for the whole
/// run (its socket closes with the test process); each test publishes under names of its own. It records the names
/// it was asked about.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One server for the whole test run, never disposed before the process ends.")]
public sealed class KeyNameServer
{
    private static readonly Lazy<KeyNameServer> Shared = new(() => new KeyNameServer());

    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly ConcurrentDictionary<string, string> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _ignored = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _asked = new();

    private KeyNameServer() => _ = Task.Run(ServeAsync);

    /// <summary>The server every test's vault is told to ask.</summary>
    public static KeyNameServer Instance => Shared.Value;

    /// <summary>Its address, <c>127.0.0.1:port</c>.</summary>
    public string Address => ((IPEndPoint)_socket.Client.LocalEndPoint!).ToString();

    /// <summary>The names asked about so far.</summary>
    public IReadOnlyCollection<string> Asked => [.. _asked];

    /// <summary>Publishes <paramref name="record"/> at <paramref name="name"/>.</summary>
    public void Publish(string name, string record) => _records[name] = record;

    /// <summary>Withdraws what is published at <paramref name="name"/>: it no longer exists.</summary>
    public void Withdraw(string name) => _records.TryRemove(name, out _);

    /// <summary>Leaves questions about <paramref name="name"/> unanswered, as a server that is down does.</summary>
    public void Ignore(string name) => _ignored[name] = true;

    private async Task ServeAsync()
    {
        while (true)
        {
            var received = await _socket.ReceiveAsync();
            if (Answer(received.Buffer) is { } answer)
            {
                await _socket.SendAsync(answer, received.RemoteEndPoint);
            }
        }
    }

    /// <summary>The response to a query (RFC 1035 §4): its id and question echoed, then the answers; null to stay silent.</summary>
    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 12)
        {
            return null;
        }

        // The question: length-prefixed labels up to a zero, then its type and class.
        var labels = new List<string>();
        var position = 12;
        while (position < query.Length && query[position] is > 0 and var length)
        {
            labels.Add(Encoding.ASCII.GetString(query, position + 1, length));
            position += length + 1;
        }

        var questionEnd = position + 5;
        if (questionEnd > query.Length)
        {
            return null;
        }

        var name = string.Join('.', labels);
        _asked.Enqueue(name);
        if (_ignored.ContainsKey(name))
        {
            return null;
        }

        var isText = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(position + 1)) == 16;
        var record = isText ? _records.GetValueOrDefault(name) : null;
        var response = new List<byte>(query[..2]); // the id
        byte code = record is null && !_records.ContainsKey(name) ? (byte)0x83 : (byte)0x80; // recursion available; "no such name" when nothing is published
        response.AddRange([0x81, code]); // a response to a query that asked for recursion
        response.AddRange([0, 1, 0, (byte)(record is null ? 0 : 1), 0, 0, 0, 0]);
        response.AddRange(query[12..questionEnd]);
        if (record is not null)
        {
            var text = Encoding.ASCII.GetBytes(record).Chunk(255).SelectMany(piece => (byte[])[(byte)piece.Length, .. piece]).ToArray();
            response.AddRange([0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60]); // the question's name, TXT, IN, a minute
            response.AddRange([(byte)(text.Length >> 8), (byte)text.Length, .. text]);
        }

        return [.. response];
    }
}
