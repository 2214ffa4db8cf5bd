using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Captures;

/// <summary>The address a capture was asked to reach is not on the public internet; nothing was fetched from it.</summary>
internal sealed class CaptureAddressForbiddenException(string host)
    : Exception($"{host} is not a public internet address; the vault does not fetch from it.")
{
    public string Host { get; } = host;
}

/// <summary>
/// Where captures may connect: public internet addresses only, decided when the connection is made, after the
/// name is resolved — so a name that resolves to a private address, or changes what it resolves to between a
/// check and the connection, still cannot reach the vault's host, its cloud's metadata service
/// (169.254.169.254) or a private network. Every address the names resolve to is checked; only allowed ones are
/// tried. No proxy is used: a proxy would make the connection, not the vault.
/// </summary>
internal sealed class CaptureNetwork(IOptions<CaptureOptions> options)
{
    // Special-purpose ranges (IANA IPv4 and IPv6 registries) that are not the public internet, or can lead into
    // a private one (NAT64, 6to4, Teredo embed IPv4 addresses).
    private static readonly IPNetwork[] NotPublic =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
            "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(IPNetwork.Parse),
    ];

    private readonly IPNetwork[] _allowed = [.. options.Value.AllowedPrivateNetworks.Select(IPNetwork.Parse)];

    /// <summary>Whether the vault may connect to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return _allowed.Any(network => network.Contains(address)) || !NotPublic.Any(network => network.Contains(address));
    }

    /// <summary>
    /// Connects to the first allowed address of <paramref name="endpoint"/> and reports it to
    /// <paramref name="connected"/>; refuses with <see cref="CaptureAddressForbiddenException"/> when none is allowed.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, Action<IPAddress> connected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(connected);
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = addresses.Where(Allows).ToList();
        if (allowed.Count == 0)
        {
            throw new CaptureAddressForbiddenException(endpoint.Host);
        }

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken);
                connected(address);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
