using System.CommandLine;
using EvidenceVault.Cli.Bundle;
using EvidenceVault.Cli.Upload;
using EvidenceVault.Cli.Verify;

namespace EvidenceVault.Cli.Tests;

public sealed class HelpTests
{
    [Fact]
    public void Every_command_is_described_in_Chinese_and_English()
    {
        Command[] commands = [VerifyCommand.Create(TextWriter.Null), UploadCommand.Create(TextWriter.Null, TextWriter.Null), BundleCommand.Create(TextWriter.Null, TextWriter.Null)];

        Assert.All(commands, command =>
        {
            Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}", command.Description);
            Assert.Matches("[A-Z][a-z]+ [a-z]", command.Description);
        });
    }
}
