using System.CommandLine;
using EvidenceVault.Cli.Bundle;
using EvidenceVault.Cli.Capture;
using EvidenceVault.Cli.Log;
using EvidenceVault.Cli.Upload;
using EvidenceVault.Cli.Verify;

namespace EvidenceVault.Cli.Tests;

public sealed class HelpTests
{
    /// <summary>Every command of the tool, as Program.cs adds them.</summary>
    private static Command[] Commands() =>
    [
        VerifyCommand.Create(TextWriter.Null), UploadCommand.Create(TextWriter.Null, TextWriter.Null), CaptureCommand.Create(TextWriter.Null),
        BundleCommand.Create(TextWriter.Null, TextWriter.Null), WatchLogCommand.Create(TextWriter.Null),
    ];

    [Fact]
    public void Every_command_is_described_in_Chinese_and_English()
    {
        var commands = Commands();

        Assert.All(commands, command =>
        {
            Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}", command.Description);
            Assert.Matches("[A-Z][a-z]+ [a-z]", command.Description);
        });
    }

    [Fact]
    public void Every_option_and_argument_is_described_in_Chinese_then_English()
    {
        var commands = Commands();
        var described = commands.SelectMany(command => command.Options.Select(o => (command.Name + " " + o.Name, o.Description))
            .Concat(command.Arguments.Select(a => (command.Name + " " + a.Name, a.Description)))).ToList();

        Assert.Equal(30, described.Count);
        Assert.All(described, option =>
        {
            Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}", option.Description);
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}.*[。）]\s?[A-Z][A-Za-z]*[ '][a-z]", option.Description);
        });
    }
}
