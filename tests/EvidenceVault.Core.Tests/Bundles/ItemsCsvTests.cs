using EvidenceVault.Bundles;
using EvidenceVault.Evidence;

namespace EvidenceVault.Core.Tests.Bundles;

/// <summary><c>items.csv</c> read back cell by cell, as the verifier compares it with the catalog.</summary>
public sealed class ItemsCsvTests
{
    [Fact]
    public void RawRows_OfAWrittenSpreadsheet_AreItsColumnsThenEachItemsCellsAsWritten()
    {
        EvidenceItemRecord[] items =
        [
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B000", "=HYPERLINK(\"https://refund-center.example\")", "他说：\"退款, 请点链接\"\r\n第二行"),
            Item("01KBZ6X3N8Q4T2V7W9Y0A1B001", "截图.png", null),
        ];

        var rows = ItemsCsv.RawRows(ItemsCsv.Format(items));

        Assert.Equal(3, rows.Count);
        Assert.Equal(ItemsCsv.Columns, rows[0]);
        Assert.Equal(ItemsCsv.Cells(items[0]), rows[1]);
        Assert.Equal(ItemsCsv.Cells(items[1]), rows[2]);
        Assert.Equal("\"'=HYPERLINK(\"\"https://refund-center.example\"\")\"", rows[1][ItemsCsv.Columns.ToList().IndexOf("file_name")]);
        Assert.Equal("\"他说：\"\"退款, 请点链接\"\"\r\n第二行\"", rows[1][ItemsCsv.Columns.ToList().IndexOf("note")]);
    }

    [Fact]
    public void RawRows_OfAnEmptyOrHeaderOnlyFile_HaveNoItemRows()
    {
        Assert.Empty(ItemsCsv.RawRows(string.Empty));
        Assert.Equal([ItemsCsv.Columns], ItemsCsv.RawRows(ItemsCsv.Format([])));
    }

    private static EvidenceItemRecord Item(string itemId, string fileName, string? note) => new()
    {
        ItemId = itemId,
        CaseId = "01KBZ6X3N8Q4T2V7W9Y0A1B2C3",
        Sha256 = new string('b', 64),
        Size = 1234,
        Kind = "screenshot",
        ContentType = "image/png",
        FileName = fileName,
        Note = note,
        SourceUrl = "https://refund-center.example/order/114-3941689-8772232/refund?a=1,2",
        ReceivedAt = new DateTimeOffset(2026, 11, 23, 22, 40, 0, TimeSpan.Zero),
        Custody = new ItemCustody(2, new string('c', 64)),
        File = $"data/evidence/{itemId}.png",
    };
}
