using EvidenceVault.Benchmarks;

// dotnet run -c Release --project benchmarks/EvidenceVault.Benchmarks -- <ingest|tus|tus-ceiling|hash|bundle|timestamp> [--size-mib N] [--items N] [--rounds N] [--chunk-mib N] [--upload-checksum md5|none] [--load-percent N] [--tables on|off] [--partials N]
var mode = args.FirstOrDefault() ?? "help";
var sizeMib = Option(args, "--size-mib", 1024);
var uploadChecksum = TextOption(args, "--upload-checksum") ?? "md5";
return mode switch
{
    "hash" => await HashBenchmark.RunAsync(sizeMib),
    "ingest" => await IngestBenchmark.RunAsync(sizeMib, Option(args, "--rounds", 3)),
    "tus" when uploadChecksum is "md5" or "none" =>
        await TusBenchmark.RunAsync(args.Contains("--size-mib") ? [sizeMib] : [256, 2048], Option(args, "--rounds", 2), Option(args, "--chunk-mib", 8), sendMd5: uploadChecksum == "md5"),
    "tus-ceiling" when TextOption(args, "--tables") is null or "on" or "off" =>
        await TusCeilingBenchmark.RunAsync(sizeMib, Option(args, "--rounds", 4), Option(args, "--load-percent", 0), tables: TextOption(args, "--tables") != "off", Option(args, "--partials", 1)),
    "bundle" => await BundleBenchmark.RunAsync(Option(args, "--items", 1000)),
    "timestamp" => await TimestampBenchmark.RunAsync(Option(args, "--rounds", 200)),
    _ => Usage(),
};

static int Option(string[] args, string name, int fallback) =>
    TextOption(args, name) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

static string? TextOption(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static int Usage()
{
    Console.WriteLine("usage: ingest [--size-mib 1024] [--rounds 3] | tus [--size-mib N, default 256 and 2048] [--rounds 2] [--chunk-mib 8] [--upload-checksum md5|none] | tus-ceiling [--size-mib 1024] [--rounds 4] [--load-percent 0] [--tables on|off] [--partials 1] | hash [--size-mib 1024] | bundle [--items 1000] | timestamp [--rounds 200]");
    return 2;
}
