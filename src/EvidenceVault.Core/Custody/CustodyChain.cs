using System.Text.Json;
using EvidenceVault.Hashing;

namespace EvidenceVault.Custody;

/// <summary>The last line of a custody log: its sequence number and the hash the next line must carry.</summary>
/// <param name="Seq">Sequence number of the last line (0 for an empty log).</param>
/// <param name="Hash">SHA-256 of the last line (all zeros for an empty log).</param>
public sealed record CustodyHead(long Seq, Sha256Digest Hash)
{
    /// <summary>The head of a log with no lines yet.</summary>
    public static CustodyHead Empty { get; } = new(0, Sha256Digest.Zero);
}

/// <summary>A break in a custody log.</summary>
/// <param name="LineNumber">1-based line number in the log file.</param>
/// <param name="Reason">What is wrong, in words.</param>
public sealed record CustodyBreak(long LineNumber, string Reason);

/// <summary>The result of checking a whole custody log.</summary>
/// <param name="Events">Every line that parsed, in order.</param>
/// <param name="Head">Head after the last line.</param>
/// <param name="Breaks">Every break found; empty when the chain is intact.</param>
/// <param name="LineHashes">For each of <paramref name="Events"/>, the SHA-256 of its line.</param>
public sealed record CustodyChainCheck(IReadOnlyList<CustodyEvent> Events, CustodyHead Head, IReadOnlyList<CustodyBreak> Breaks, IReadOnlyList<Sha256Digest> LineHashes)
{
    /// <summary>True when every line links to the one before and the sequence has no gap.</summary>
    public bool IsIntact => Breaks.Count == 0;
}

/// <summary>Builds and checks the hash chain of a custody log.</summary>
public static class CustodyChain
{
    /// <summary>Checks lines read from a log in order. Blank lines are breaks: the vault never writes them.</summary>
    public static async Task<CustodyChainCheck> CheckAsync(TextReader log, string? expectedCaseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var events = new List<CustodyEvent>();
        var lineHashes = new List<Sha256Digest>();
        var breaks = new List<CustodyBreak>();
        var head = CustodyHead.Empty;
        long lineNumber = 0;
        while (await log.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            CustodyEvent custodyEvent;
            try
            {
                custodyEvent = CustodyEvent.Parse(line);
            }
            catch (JsonException)
            {
                breaks.Add(new CustodyBreak(lineNumber, "the line is not a custody event"));
                head = new CustodyHead(head.Seq + 1, CustodyEvent.HashLine(line));
                continue;
            }

            if (custodyEvent.Seq != head.Seq + 1)
            {
                breaks.Add(new CustodyBreak(lineNumber, $"sequence {custodyEvent.Seq} follows {head.Seq}"));
            }

            if (!string.Equals(custodyEvent.Prev, head.Hash.Hex, StringComparison.Ordinal))
            {
                breaks.Add(new CustodyBreak(lineNumber, $"prev {custodyEvent.Prev} is not the hash of the line before ({head.Hash.Hex})"));
            }

            if (expectedCaseId is not null && !string.Equals(custodyEvent.CaseId, expectedCaseId, StringComparison.Ordinal))
            {
                breaks.Add(new CustodyBreak(lineNumber, $"event of case {custodyEvent.CaseId} in the log of case {expectedCaseId}"));
            }

            if (lineNumber == 1 && custodyEvent.Type != CustodyEventTypes.CaseCreated)
            {
                breaks.Add(new CustodyBreak(lineNumber, "the log does not start with case.created"));
            }

            events.Add(custodyEvent);
            head = new CustodyHead(custodyEvent.Seq, CustodyEvent.HashLine(line));
            lineHashes.Add(head.Hash);
        }

        if (lineNumber == 0)
        {
            breaks.Add(new CustodyBreak(0, "the custody log is empty"));
        }

        return new CustodyChainCheck(events, head, breaks, lineHashes);
    }
}
