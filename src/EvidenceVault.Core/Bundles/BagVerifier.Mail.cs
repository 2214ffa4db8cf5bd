using EvidenceVault.Evidence;

namespace EvidenceVault.Bundles;

/// <summary>The offline re-check of the DKIM signatures the vault found passing, with the keys it kept.</summary>
public static partial class BagVerifier
{
    private sealed partial class Run
    {
        /// <summary>
        /// Checks again, offline, each DKIM signature of a saved e-mail — and of the mails forwarded inside it — that the
        /// vault found passing on receipt: the bundle's copy of the file, with the key the catalog keeps for it (the one
        /// the domain published then), must pass again. It does not take the vault's word for it.
        /// </summary>
        private async Task CheckMailSignaturesAsync(EvidenceItemRecord item, string file, CancellationToken cancellationToken)
        {
            if (item.Message is not { } message || !Signed(message).Any(mail => mail.Signatures.Any(Passed)))
            {
                return;
            }

            // The file is read again from each forwarded mail's start: a ZIP entry cannot seek, so a copy can.
            await using var entry = bag.OpenFile(file);
            await using var copy = entry.CanSeek ? null : new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
            if (copy is not null)
            {
                await entry.CopyToAsync(copy, cancellationToken);
                copy.Position = 0;
            }

            var keys = new KeptKeys([.. Signed(message).SelectMany(mail => mail.Signatures)]);
            var again = await MessageInfoReader.ReadSavedMailAsync(copy ?? entry, keys, cancellationToken);
            var checkedAgain = again is null ? [] : Signed(again).ToDictionary(mail => mail.Place, mail => mail.Signatures);
            foreach (var (place, signatures) in Signed(message))
            {
                var found = checkedAgain.GetValueOrDefault(place) ?? [];
                for (var i = 0; i < signatures.Count; i++)
                {
                    if (Passed(signatures[i]) && (i >= found.Count || !Passed(found[i])))
                    {
                        Add(file, BagFindingCodes.MailSignatureInvalid,
                            $"item {item.ItemId}: the DKIM signature of {signatures[i].Domain} (s={signatures[i].Selector}) on {place} the vault found passing does not hold offline with the key kept for it: {(i < found.Count ? found[i].Result : "no signature")}");
                    }
                }
            }

            static bool Passed(MailSignature signature) => signature.Result == MailSignatureResults.Pass;
        }

        /// <summary>The message's signatures and those of each mail forwarded inside it, by where they stand.</summary>
        private static IEnumerable<(string Place, IReadOnlyList<MailSignature> Signatures)> Signed(MessageInfo message) =>
        [
            ("the mail", message.Signatures ?? []),
            .. (message.Forwarded ?? []).Select((forwarded, i) => ($"forwarded mail {i + 1}", forwarded.Signatures ?? [])),
        ];

        /// <summary>The keys the catalog keeps, by selector and domain: the name service as the vault found it on receipt.</summary>
        private sealed class KeptKeys(IReadOnlyList<MailSignature> signatures) : IMailKeyDirectory
        {
            public Task<MailKeyAnswer> FindAsync(string selector, string domain, CancellationToken cancellationToken) =>
                Task.FromResult(signatures.FirstOrDefault(s => s.Selector == selector && s.Domain == domain && s.Key is not null)?.Key is { } key ? MailKeyAnswer.Found(key) : MailKeyAnswer.None);
        }
    }
}
