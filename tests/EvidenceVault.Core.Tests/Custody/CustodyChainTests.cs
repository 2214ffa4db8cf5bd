using EvidenceVault.Custody;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Custody;

public sealed class CustodyChainTests
{
    private const string CaseId = LocalBundles.CaseId;

    [Fact]
    public async Task CheckAsync_ChainAsWritten_IsIntactWithHeadOfLastLine()
    {
        var log = BuildLog(out var lastHash);

        var check = await CustodyChain.CheckAsync(new StringReader(log), CaseId);

        Assert.True(check.IsIntact, string.Join("; ", check.Breaks));
        Assert.Equal(4, check.Head.Seq);
        Assert.Equal(lastHash, check.Head.Hash.Hex);
        Assert.Equal(CustodyEventTypes.CaseCreated, check.Events[0].Type);
    }

    [Fact]
    public async Task CheckAsync_OneCharacterChanged_BreaksTheNextLink()
    {
        var lines = BuildLog(out _).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[1] = lines[1].Replace("\"size\":100", "\"size\":101", StringComparison.Ordinal);

        var check = await CustodyChain.CheckAsync(new StringReader(string.Join('\n', lines)), CaseId);

        var chainBreak = Assert.Single(check.Breaks);
        Assert.Equal(3, chainBreak.LineNumber);
        Assert.Contains("prev", chainBreak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_LineRemoved_ReportsSequenceGapAndBrokenLink()
    {
        var lines = BuildLog(out _).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        lines.RemoveAt(1);

        var check = await CustodyChain.CheckAsync(new StringReader(string.Join('\n', lines)), CaseId);

        Assert.Contains(check.Breaks, b => b.LineNumber == 2 && b.Reason.Contains("sequence 3 follows 1", StringComparison.Ordinal));
        Assert.Contains(check.Breaks, b => b.LineNumber == 2 && b.Reason.Contains("prev", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_LinesSwapped_IsBroken()
    {
        var lines = BuildLog(out _).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        (lines[1], lines[2]) = (lines[2], lines[1]);

        var check = await CustodyChain.CheckAsync(new StringReader(string.Join('\n', lines)), CaseId);

        Assert.False(check.IsIntact);
    }

    [Fact]
    public async Task CheckAsync_EventOfAnotherCase_IsBroken()
    {
        var check = await CustodyChain.CheckAsync(new StringReader(BuildLog(out _)), "01KBZ6X3N8Q4T2V7W9Y0OTHER0");

        Assert.Equal(4, check.Breaks.Count(b => b.Reason.Contains("in the log of case", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CheckAsync_EmptyOrGarbage_IsBroken()
    {
        Assert.False((await CustodyChain.CheckAsync(new StringReader(string.Empty), CaseId)).IsIntact);
        Assert.Contains((await CustodyChain.CheckAsync(new StringReader("not json"), CaseId)).Breaks, b => b.Reason.Contains("not a custody event", StringComparison.Ordinal));
    }

    [Fact]
    public void HashLine_IsSha256OfTheExactUtf8Line() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", CustodyEvent.HashLine("abc").Hex);

    private static string BuildLog(out string lastHash)
    {
        var builder = new CustodyLogBuilder(CaseId, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        builder.Add(CustodyEventTypes.CaseCreated, null, null, null);
        builder.Add(CustodyEventTypes.ItemReceived, "01KBZ6X3N8Q4T2V7W9Y0A1B000", new string('a', 64), 100);
        builder.Add(CustodyEventTypes.ItemReceived, "01KBZ6X3N8Q4T2V7W9Y0A1B001", new string('b', 64), 200);
        lastHash = builder.Add(CustodyEventTypes.BundleExported, null, null, null).Hash;
        return builder.Text;
    }
}
