using System.CommandLine;
using EvidenceVault.Cli.Bundle;
using EvidenceVault.Cli.Log;
using EvidenceVault.Cli.Upload;
using EvidenceVault.Cli.Verify;

namespace EvidenceVault.Cli.Tests;

public sealed class HelpTests
{
    [Fact]
    public void Every_command_is_described_in_Chinese_and_English()
    {
        Command[] commands = [VerifyCommand.Create(TextWriter.Null), UploadCommand.Create(TextWriter.Null, TextWriter.Null), BundleCommand.Create(TextWriter.Null, TextWriter.Null), WatchLogCommand.Create(TextWriter.Null)];

        Assert.All(commands, command =>
        {
            Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}", command.Description);
            Assert.Matches("[A-Z][a-z]+ [a-z]", command.Description);
        });
    }

    [Fact]
    public void Every_option_and_argument_is_described_in_Chinese_then_English()
    {
        Command[] commands = [VerifyCommand.Create(TextWriter.Null), UploadCommand.Create(TextWriter.Null, TextWriter.Null), BundleCommand.Create(TextWriter.Null, TextWriter.Null), WatchLogCommand.Create(TextWriter.Null)];
        var described = commands.SelectMany(command => command.Options.Select(o => (command.Name + " " + o.Name, o.Description))
            .Concat(command.Arguments.Select(a => (command.Name + " " + a.Name, a.Description)))).ToList();

        Assert.Equal(23, described.Count);
        Assert.All(described, option =>
        {
            Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}", option.Description);
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}.*[。）]\s?[A-Z][A-Za-z]*[ '][a-z]", option.Description);
        });
    }
}
