import LockProfFormat
import Testing

@testable import LockProfAnalysis

@Suite struct IcicleGraphTests {
    let main = FrameReport(function: "main", file: "/src/App/main.swift", line: 1, module: "app")
    let serve = FrameReport(function: "App.Server.serve()", file: "/src/App/Server.swift", line: 20, module: "app")
    let deposit = FrameReport(function: "App.Bank.deposit(_:)", file: "/src/Bank/Bank.swift", line: 42, module: "app")
    let audit = FrameReport(function: "App.Bank.audit()", file: "/src/Bank/Bank.swift", line: 90, module: "app")

    /// `(title's first line, x, width)` of every box, top row first.
    func boxes(_ svg: String) -> [(name: String, x: String, width: String)] {
        svg.matches(of: /<title>([^\n<]*)[^<]*<\/title><rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"/).map {
            (String($0.output.1), String($0.output.2), String($0.output.3))
        }
    }

    @Test func widthsFollowWeightAndSharedCallersMerge() {
        // Innermost first, as the report lists them: deposit (3 ms) and audit (1 ms), both under serve and main.
        let stacks = [
            StackReport(stackID: 1, weightNanoseconds: 3_000_000, count: 30, share: 0.75, frames: [deposit, serve, main]),
            StackReport(stackID: 2, weightNanoseconds: 1_000_000, count: 10, share: 0.25, frames: [audit, serve, main]),
        ]
        let graph = IcicleGraph(stacks: stacks, totalWaitNanoseconds: 4_000_000)
        let found = boxes(graph.svg(label: "holder stacks of bank", side: "holder"))
        #expect(found.map(\.name) == ["holder stacks of bank", "main", "Server.serve()", "Bank.deposit(_:)", "Bank.audit()"])
        #expect(found.map(\.width) == ["1000", "1000", "1000", "750", "250"])
        #expect(found.map(\.x) == ["0", "0", "0", "0", "750"])
        let svg = graph.svg(label: "holder stacks of bank", side: "holder")
        // Labelled with function and file:line; the hover has the figures.
        #expect(svg.contains(">Bank.deposit(_:) (Bank.swift:42)</text>"))
        #expect(svg.contains("<title>Bank.deposit(_:)\n/src/Bank/Bank.swift:42\nin app\n3.00 ms of wait, 75% of the lock&#39;s wait, 30 waits</title>"))
    }

    @Test func narrowBoxesAreLeftOutAndLabelsCut() {
        let stacks = [
            StackReport(stackID: 1, weightNanoseconds: 100_000_000, count: 1, share: 1, frames: [deposit, main]),
            StackReport(stackID: 2, weightNanoseconds: 1, count: 1, share: 0, frames: [audit, main]),
        ]
        let svg = IcicleGraph(stacks: stacks, totalWaitNanoseconds: 100_000_001).svg(label: "x", side: "waiter")
        #expect(!svg.contains("Bank.audit"))
        #expect(IcicleGraph.cut("Bank.deposit(_:) (Bank.swift:42)", to: 10) == "Bank.depo…")
    }

    @Test func stacksWithoutWeightDrawNothing() {
        let stacks = [StackReport(stackID: 1, weightNanoseconds: 0, count: 0, share: 0, frames: [main], releases: 3, meanHoldNanoseconds: 5)]
        #expect(IcicleGraph(stacks: stacks, totalWaitNanoseconds: 0).isEmpty)
    }
}
