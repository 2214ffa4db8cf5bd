using System.Net;
using EvidenceVault.Api.Captures;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Tests.Captures;

/// <summary>Which addresses a capture may connect to: the public internet, and only the private networks an operator names.</summary>
public sealed class CaptureNetworkTests
{
    private static readonly CaptureNetwork Default = new(Options.Create(new CaptureOptions()));

    [Theory]
    [InlineData("127.0.0.1")] // the vault's own host
    [InlineData("127.255.255.254")]
    [InlineData("169.254.169.254")] // the cloud's metadata service
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")] // carrier-grade NAT
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")] // IPv4 loopback written as IPv6
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")] // unique local (AWS's IPv6 metadata address)
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("2002:a9fe:a9fe::1")] // 6to4 of 169.254.169.254
    [InlineData("2001:0:4136:e378::1")] // Teredo
    [InlineData("ff02::1")]
    public void Addresses_off_the_public_internet_are_refused(string address) =>
        Assert.False(Default.Allows(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")] // just past 172.16.0.0/12
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700::6810:84e5")]
    [InlineData("::ffff:93.184.215.14")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(Default.Allows(IPAddress.Parse(address)));

    [Fact]
    public void An_operator_may_allow_a_private_network_and_nothing_beyond_it()
    {
        var intranet = new CaptureNetwork(Options.Create(new CaptureOptions { AllowedPrivateNetworks = ["10.20.0.0/16"] }));

        Assert.True(intranet.Allows(IPAddress.Parse("10.20.3.4")));
        Assert.False(intranet.Allows(IPAddress.Parse("10.21.0.1")));
        Assert.False(intranet.Allows(IPAddress.Parse("169.254.169.254")));
    }
}
