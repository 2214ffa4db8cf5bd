namespace EvidenceVault.Testing;

/// <summary>
/// A Windows installer (<c>.msi</c>) — what a scam's "refund helper" or remote-control app comes as — built by a real
/// installer tool, <c>wixl</c> (Debian's msitools, installed with apt-get when missing). It is a compound file like a
/// Word 97–2003 document, which is why the vault must look past the shared signature to refuse it.
/// </summary>
public static class SampleInstallers
{
    /// <summary>An installer of one program of <paramref name="programBytes"/> random bytes, written to <paramref name="folder"/> as <paramref name="fileName"/>.</summary>
    public static async Task<string> WriteAsync(string folder, string fileName = "refund-helper.msi", int programBytes = 1000)
    {
        await DebianPackages.EnsureAsync(["wixl"], "Building a Windows installer as an installer tool does", () => Task.FromResult(DebianPackages.HasCommand("wixl")));
        var work = Directory.CreateTempSubdirectory("ev-msi-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(work, "helper.exe"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(programBytes));
            await File.WriteAllTextAsync(Path.Combine(work, "setup.wxs"), """
                <?xml version="1.0" encoding="utf-8"?>
                <Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
                  <Product Id="*" Name="Refund Helper" Language="1033" Version="1.0.0" Manufacturer="Refund Center" UpgradeCode="5B0E7C1A-6F64-4C84-9B0E-2A4C7E1D3F10">
                    <Package InstallerVersion="200" Compressed="yes"/>
                    <Media Id="1" Cabinet="helper.cab" EmbedCab="yes"/>
                    <Directory Id="TARGETDIR" Name="SourceDir">
                      <Directory Id="ProgramFilesFolder">
                        <Directory Id="INSTALLDIR" Name="RefundHelper">
                          <Component Id="Helper" Guid="0E5B2B7D-3C41-4E0B-8F0A-5D2C9B6E4A21"><File Id="HelperProgram" Source="helper.exe"/></Component>
                        </Directory>
                      </Directory>
                    </Directory>
                    <Feature Id="All" Level="1"><ComponentRef Id="Helper"/></Feature>
                  </Product>
                </Wix>
                """);
            var built = await ExternalTool.RunAsync("wixl", work, "-o", "setup.msi", "setup.wxs");
            if (built.ExitCode != 0)
            {
                throw new InvalidOperationException("wixl did not build the installer:\n" + built.Output);
            }

            var path = Path.Combine(folder, fileName);
            File.Copy(Path.Combine(work, "setup.msi"), path, overwrite: true);
            return path;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
