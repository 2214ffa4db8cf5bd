using System.CommandLine;
using EvidenceVault.Cli.Verify;

var root = new RootCommand("EvidenceVault: check evidence bundles offline, without trusting the vault.");
root.Subcommands.Add(VerifyCommand.Create(Console.Out));
return await root.Parse(args).InvokeAsync();
