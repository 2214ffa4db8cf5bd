using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>What a file says about itself, as the vault must keep it: in the index, and in the item's custody line.</summary>
internal static class FileStatementAssert
{
    /// <summary>
    /// The index gives <paramref name="expected"/> for the item (<paramref name="ofItem"/>), and the item's
    /// <c>item.received</c> custody line records it (<paramref name="ofDetails"/>) with the receipt of its bytes.
    /// </summary>
    public static async Task IndexedAndChainedAsync<T>(
        TestCase vault, EvidenceItemRecord item, T expected, Func<EvidenceItemRecord, T?> ofItem, Func<IReadOnlyDictionary<string, string>?, T?> ofDetails)
    {
        var indexed = await vault.Client.GetFromJsonAsync<EvidenceItemRecord>($"/api/cases/{vault.CaseId}/items/{item.ItemId}", VaultJson.Compact);
        Assert.Equal(expected, ofItem(indexed!));
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact);
        var received = custody.Events.Single(e => e.Seq == item.Custody.Seq);
        Assert.Equal((CustodyEventTypes.ItemReceived, item.ItemId), (received.Type, received.ItemId));
        Assert.Equal(expected, ofDetails(received.Details));
    }

    /// <summary>
    /// <paramref name="fixture"/>, uploaded, states nothing of this kind: neither its item (<paramref name="ofItem"/>)
    /// nor its <c>item.received</c> custody line (<paramref name="ofDetails"/>) carries the statement.
    /// </summary>
    public static async Task NoneAsync<T>(TestCase vault, string fixture, Func<EvidenceItemRecord, T?> ofItem, Func<IReadOnlyDictionary<string, string>?, T?> ofDetails)
        where T : class
    {
        var item = await vault.UploadItemAsync(fixture);

        Assert.Null(ofItem(item));
        var received = (await vault.CheckCustodyAsync()).Events.Single(e => e.Seq == item.Custody.Seq);
        Assert.Null(ofDetails(received.Details));
    }
}
