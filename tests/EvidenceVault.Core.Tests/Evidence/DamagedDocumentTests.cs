using EvidenceVault.Evidence;
using EvidenceVault.Testing;

namespace EvidenceVault.Core.Tests.Evidence;

/// <summary>
/// A statement is read after the bytes are committed, so a damaged or crafted file must never make a reader fail
/// in a way the vault does not expect: whatever the bytes, a reader states something or nothing. Real files — Office
/// 97–2003 and Office Open XML documents, OpenDocument, PDFs (with document information, and with XMP alone), a
/// presentation, Outlook messages in both string formats, a Rich Text contract — are damaged here a few bytes at a
/// time, in their headers, directories, tables and property sets, with a fixed seed so a failure can be replayed.
/// </summary>
public sealed class DamagedDocumentTests : IDisposable
{
    private const int Rounds = 1000;

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-damaged-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(".doc")]
    [InlineData(".ppt")]
    [InlineData(".rtf")]
    [InlineData(".docx")]
    [InlineData(".odt")]
    [InlineData(".pdf")]
    public async Task A_damaged_document_states_something_or_nothing_and_never_fails(string extension) =>
        await AssertReadersHoldAsync(await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, extension, slidesWithProperties: true)), extension);

    [Fact]
    public async Task A_damaged_pdf_that_states_its_xmp_metadata_states_something_or_nothing_and_never_fails() =>
        await AssertReadersHoldAsync(SampleDocuments.WithoutDocumentInformation(await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(_folder, ".pdf", pdfA: true))), ".pdf (XMP)");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_damaged_outlook_message_states_something_or_nothing_and_never_fails(bool unicode) =>
        await AssertReadersHoldAsync(await File.ReadAllBytesAsync(await SampleMessages.OutlookAsync(_folder, unicode: unicode)), ".msg");

    private static async Task AssertReadersHoldAsync(byte[] original, string extension)
    {
        var format = Recognised(original) ?? throw new InvalidOperationException($"The undamaged {extension} is not recognised.");
        var random = new Random(20261206 + extension.Length);
        var stated = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var damaged = (byte[])original.Clone();
            for (var hits = random.Next(1, 9); hits > 0; hits--)
            {
                // Most damage where the structures are (the first and last 16 KiB), some anywhere.
                var at = random.Next(3) switch
                {
                    0 => random.Next(Math.Min(16 * 1024, damaged.Length)),
                    1 => damaged.Length - 1 - random.Next(Math.Min(16 * 1024, damaged.Length)),
                    _ => random.Next(damaged.Length),
                };
                damaged[at] = random.Next(4) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }

            await using var content = new MemoryStream(damaged, writable: false);
            var exception = await Record.ExceptionAsync(async () =>
            {
                var said = format.MediaClass == MediaClass.Message
                    ? (object?)await MessageInfoReader.ReadAsync(content, format)
                    : await DocumentInfoReader.ReadAsync(content, format);
                stated += said is null ? 0 : 1;
            });
            Assert.True(exception is null, $"{extension}, round {round}: {exception}");
            Assert.Null(Record.Exception(() => Recognised(damaged))); // recognition holds too
        }

        Assert.InRange(stated, 1, Rounds); // the damage left some statements standing: the readers were really reached
    }

    private static EvidenceFormat? Recognised(byte[] file)
    {
        var sample = new FormatSample(file.Length);
        sample.Append(file);
        return sample.Recognise(null);
    }
}
