import LockProfAnalysis
import Testing

@Suite struct LimitSyntaxTests {
    @Test func percentagesAndFractionsMeanTheSame() throws {
        #expect(try LimitSyntax.fraction("10%", name: "x") == 0.1)
        #expect(try LimitSyntax.fraction(" 0.25 ", name: "x") == 0.25)
        #expect(try LimitSyntax.fraction("12.5%", name: "x") == 0.125)
    }

    @Test(arguments: ["abc", "110%", "0", "-5%", "10"])
    func badFractionsNameTheFlag(_ text: String) {
        #expect(throws: LimitSyntaxError.self) { try LimitSyntax.fraction(text, name: "--max-wait-fraction") }
        do {
            _ = try LimitSyntax.fraction(text, name: "--max-wait-fraction")
        } catch {
            #expect(error.message.hasPrefix("--max-wait-fraction"))
        }
    }

    @Test func durationsTakeUnits() throws {
        #expect(try LimitSyntax.duration("5ms", name: "x") == 5_000_000)
        #expect(try LimitSyntax.duration("200us", name: "x") == 200_000)
        #expect(try LimitSyntax.duration("200µs", name: "x") == 200_000)
        #expect(try LimitSyntax.duration("1.5s", name: "x") == 1_500_000_000)
        #expect(try LimitSyntax.duration("300ns", name: "x") == 300)
        #expect(try LimitSyntax.duration("42", name: "x") == 42)
        #expect(throws: LimitSyntaxError("--max-p99-wait 'soon' is not a duration: write one like 5ms, 200us, 1.5s or 300ns.")) {
            try LimitSyntax.duration("soon", name: "--max-p99-wait")
        }
    }

    @Test func tolerancesMayExceedAHundredPercent() throws {
        #expect(try LimitSyntax.tolerance("200%", name: "x") == 2)
        #expect(try LimitSyntax.tolerance("0", name: "x") == 0)
        #expect(throws: LimitSyntaxError.self) { try LimitSyntax.tolerance("-1%", name: "x") }
    }

    @Test func patternsMatchWholeNames() {
        #expect(LockNamePattern("cache.*").matches("cache.users"))
        #expect(LockNamePattern("cache.*").matches("cache."))
        #expect(!LockNamePattern("cache.*").matches("old.cache.users"))
        #expect(LockNamePattern("demo.shard-?").matches("demo.shard-3"))
        #expect(!LockNamePattern("demo.shard-?").matches("demo.shard-12"))
        #expect(LockNamePattern("*stripe*").matches("demo.stripe-7"))
        #expect(LockNamePattern("a*b*c").matches("aXbYbZc"))
        #expect(!LockNamePattern("a*b*c").matches("aXbYbZ"))
        #expect(LockNamePattern("exact").matches("exact"))
        #expect(!LockNamePattern("exact").matches("exactly"))
    }

    @Test func regressionNeedsBothTheRelativeAndTheAbsoluteGrowth() {
        let tolerance = RegressionTolerance(relative: 0.5, absolute: 0.01)
        #expect(!tolerance.isRegression(before: 0.20, after: 0.29))  // +45%
        #expect(tolerance.isRegression(before: 0.20, after: 0.31))  // +55%, +11 points
        #expect(!tolerance.isRegression(before: 0.0001, after: 0.005))  // 50× but under one point
        #expect(tolerance.isRegression(before: 0, after: 0.02))
    }
}
