using System.CommandLine;
using EvidenceVault.Cli.Bundle;
using EvidenceVault.Cli.Capture;
using EvidenceVault.Cli.Log;
using EvidenceVault.Cli.Upload;
using EvidenceVault.Cli.Verify;

var root = new RootCommand("证据保险箱：可续传地上传证据、让证据保险箱保存网页、保存案件证据包，并在不信任本系统的前提下离线核验证据包。\nEvidenceVault: upload evidence resumably, have the vault capture a page, save a case's evidence bundle, and check bundles offline without trusting the vault.");
root.Subcommands.Add(VerifyCommand.Create(Console.Out));
root.Subcommands.Add(UploadCommand.Create(Console.Out, Console.Error));
root.Subcommands.Add(CaptureCommand.Create(Console.Out));
root.Subcommands.Add(BundleCommand.Create(Console.Out, Console.Error));
root.Subcommands.Add(WatchLogCommand.Create(Console.Out));
return await root.Parse(args).InvokeAsync();
