using EvidenceVault.Evidence;

namespace EvidenceVault.Bundles;

/// <summary>The offline re-check of the DKIM signatures the vault found passing, with the keys it kept.</summary>
public static partial class BagVerifier
{
    private sealed partial class Run
    {
        /// <summary>
        /// Checks again, offline, each DKIM signature of a saved e-mail that the vault found passing on receipt: the
        /// bundle's copy of the file, with the key the catalog keeps for it (the one the domain published then), must
        /// pass again. It does not take the vault's word for it.
        /// </summary>
        private async Task CheckMailSignaturesAsync(EvidenceItemRecord item, string file, CancellationToken cancellationToken)
        {
            if (item.Message?.Signatures is not { } signatures || !signatures.Any(Passed))
            {
                return;
            }

            await using var content = bag.OpenFile(file);
            var again = await MailSignatureReader.ReadAsync(content, new KeptKeys(signatures), cancellationToken) ?? [];
            for (var i = 0; i < signatures.Count; i++)
            {
                if (Passed(signatures[i]) && (i >= again.Count || !Passed(again[i])))
                {
                    var found = i < again.Count ? again[i].Result : "no signature";
                    Add(file, BagFindingCodes.MailSignatureInvalid, $"item {item.ItemId}: the DKIM signature of {signatures[i].Domain} (s={signatures[i].Selector}) the vault found passing does not hold offline with the key kept for it: {found}");
                }
            }

            static bool Passed(MailSignature signature) => signature.Result == MailSignatureResults.Pass;
        }

        /// <summary>The keys the catalog keeps, by selector and domain: the name service as the vault found it on receipt.</summary>
        private sealed class KeptKeys(IReadOnlyList<MailSignature> signatures) : IMailKeyDirectory
        {
            public Task<MailKeyAnswer> FindAsync(string selector, string domain, CancellationToken cancellationToken) =>
                Task.FromResult(signatures.FirstOrDefault(s => s.Selector == selector && s.Domain == domain && s.Key is not null)?.Key is { } key ? MailKeyAnswer.Found(key) : MailKeyAnswer.None);
        }
    }
}
