using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EvidenceVault.Serialization;

/// <summary>The JSON conventions of every file the vault writes: camelCase, no nulls, UTC times ending in Z, readable CJK.</summary>
public static class VaultJson
{
    // Declared first: the option instances below are built from it during static initialisation.
    /// <summary>Writes times as <see cref="FormatUtc"/> does.</summary>
    public static JsonConverter<DateTimeOffset> UtcTimes { get; } = new UtcTimeConverter();

    /// <summary>Options for compact JSON (custody lines, API bodies).</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    /// <summary>Options for human-read JSON files (items.json in a bundle).</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>Formats a time as ISO 8601 UTC with milliseconds, e.g. <c>2026-11-23T22:39:31.123Z</c>.</summary>
    public static string FormatUtc(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A time cut to whole milliseconds, as every file the vault writes keeps it.</summary>
    public static DateTimeOffset ToMilliseconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond), value.Offset);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(UtcTimes);
        options.MakeReadOnly();
        return options;
    }

    private sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(FormatUtc(value));
    }
}
