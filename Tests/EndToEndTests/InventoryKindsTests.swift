import Foundation
import TestSupport
import XCTest

/// `verify` over the seed's faithful copies with inventories as vSphere really writes them:
/// an appliance OVF with deployment options and a property capacity, and a VM whose second
/// disk is an RDM (README, "Inventories"; docs/INVENTORIES.md).
final class InventoryKindsTests: XCTestCase {
    /// pgtest1 as an appliance OVF: disk 1 is 115 GiB; disk 2 is `${dataSize}` GiB, 10 by
    /// default but 40 in the default configuration "full" (a per-configuration Value).
    static let applianceOVF = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
          <References><File ovf:href="pgtest1-system.vmdk" ovf:id="system_id"/></References>
          <DiskSection><Info>disks</Info>
            <Disk ovf:diskId="system" ovf:capacity="115" ovf:capacityAllocationUnits="byte * 2^30" ovf:fileRef="system_id"/>
            <Disk ovf:diskId="data" ovf:capacity="${dataSize}" ovf:capacityAllocationUnits="byte * 2^30"/>
          </DiskSection>
          <DeploymentOptionSection><Info>sizes</Info>
            <Configuration ovf:id="compact"><Label>Compact</Label><Description>10 GiB data</Description></Configuration>
            <Configuration ovf:id="full" ovf:default="true"><Label>Full</Label><Description>40 GiB data</Description></Configuration>
          </DeploymentOptionSection>
          <VirtualSystem ovf:id="pgtest1">
            <Info>A virtual machine</Info>
            <Name>pgtest1</Name>
            <ProductSection><Info>p</Info>
              <Property ovf:key="dataSize" ovf:type="int" ovf:value="10"><Value ovf:value="40" ovf:configuration="full"/></Property>
            </ProductSection>
            <VirtualHardwareSection><Info>hw</Info>
              <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI Controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
              <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Harddisk system</rasd:ElementName><rasd:HostResource>ovf:/disk/system</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
              <Item><rasd:AddressOnParent>1</rasd:AddressOnParent><rasd:ElementName>Harddisk data</rasd:ElementName><rasd:HostResource>ovf:/disk/data</rasd:HostResource><rasd:InstanceID>5</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
            </VirtualHardwareSection>
          </VirtualSystem>
        </Envelope>
        """

    func testTheDeploymentOptionReadDecidesTheVerdictAndIsReported() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000.img")
        try scenario.serve("vol2001", image: "vol2001.img")
        let ovf = scenario.directory.appendingPathComponent("pgtest1.ovf")
        try Data(Self.applianceOVF.utf8).write(to: ovf)
        let targets = ["--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))"]

        // The default configuration says disk 2001 has 40 GiB: the 10 GiB copy is too small.
        let full = try VerifyResult(["--inventory", ovf.path] + targets, reportDirectory: scenario.reportDirectory("full"))
        XCTAssertEqual(full.status, 1, full.stdout + full.stderr)
        XCTAssertEqual((full.report["vm"] as? [String: Any])?["ovfConfiguration"] as? String, "full")
        XCTAssertTrue(full.codes(of: "2001").contains("target-smaller-than-source"), "\(full.codes(of: "2001"))")
        XCTAssertTrue(full.stdout.contains("VM pgtest1 (OVF configuration 'full')"), full.stdout)
        let vmCodes = { (run: VerifyResult) in run.vmFindings.compactMap { $0["code"] as? String } }
        XCTAssertEqual(vmCodes(full), ["ovf-configuration-assumed", "disk-keys-derived"])

        // The configuration that was deployed: pass, and the report says which one was used.
        let compact = try VerifyResult(["--inventory", ovf.path, "--ovf-configuration", "compact"] + targets,
                                       reportDirectory: scenario.reportDirectory("compact"))
        XCTAssertEqual(compact.status, 0, compact.stdout + compact.stderr)
        XCTAssertEqual(compact.verdict, "pass")
        XCTAssertEqual((compact.report["vm"] as? [String: Any])?["ovfConfiguration"] as? String, "compact")
        XCTAssertEqual(vmCodes(compact), ["disk-keys-derived"], "chosen, not assumed")
        let markdown = try String(contentsOfFile: scenario.reportDirectory("compact") + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("| OVF configuration | compact |"), markdown)

        // The value entered at deployment, given as a property.
        let property = try VerifyResult(["--inventory", ovf.path, "--ovf-property", "dataSize=10"] + targets,
                                        reportDirectory: scenario.reportDirectory("property"))
        XCTAssertEqual(property.status, 0, property.stdout + property.stderr)

        // An unknown configuration: exit 2 before anything is read, naming the valid ones.
        let unknown = try Repository.runTool(["verify", "--inventory", ovf.path, "--ovf-configuration", "tiny"] + targets)
        XCTAssertEqual(unknown.status, 2, unknown.stdout)
        XCTAssertTrue(unknown.stderr.contains("no configuration 'tiny'; the valid ones are 'compact', 'full'"), unknown.stderr)
    }

    func testAnRDMIsAWarningAndAFaithfulCopyStillPasses() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000.img")
        try scenario.serve("vol2001", image: "vol2001.img")
        let manifest = scenario.directory.appendingPathComponent("pgtest1-rdm.yaml")
        try Data("""
            vm: {name: pgtest1}
            disks:
              - {key: 2000, label: Hard disk 1, capacityBytes: 123480309760, backingKind: vmdk, diskMode: persistent}
              - {key: 2001, label: Hard disk 2, capacityBytes: 10737418240, backingKind: rdm-physical, diskMode: independent_persistent}
            """.utf8).write(to: manifest)
        let run = try VerifyResult(["--inventory", manifest.path, "--nbd-targets",
                                    "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))"],
                                   reportDirectory: scenario.reportDirectory("rdm"))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "pass")
        let warning = try XCTUnwrap(run.vmFindings.first { $0["code"] as? String == "disk-not-replicated-by-image" })
        XCTAssertEqual(warning["severity"] as? String, "warning")
        XCTAssertEqual((warning["evidence"] as? [String: Any])?["key"] as? String, "2001")
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "pass")
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "pass")
        XCTAssertEqual(run.vmFindings.count, 1, "\(run.vmFindings)")
        XCTAssertTrue(run.stdout.contains("WARNING disk-not-replicated-by-image"), run.stdout)
    }
}
