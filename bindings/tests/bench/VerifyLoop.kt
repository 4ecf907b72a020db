// The same verification N times, with whichever partcert jar is on the
// classpath: bindings/tests/run.sh runs it with the release jar
// (bindings/package.sh) and with the debug one, and prints both and their
// ratio (a measurement for the reader; nothing asserts on time).
//
//   java -cp verify-loop.jar:partcert.jar:jna.jar:kotlin-stdlib.jar VerifyLoopKt DEMO N
//
// DEMO is a folder `partcert demo --keep` filled. Bob's donor screen is
// verified against Acme's root and the register's list, as a repair shop
// does; prints the nanoseconds one verification took, on average.

import org.partcert.*
import java.io.File

fun main(args: Array<String>) {
    val demo = File(args[0])
    val n = args[1].toInt()
    fun cert(name: String) = Certificate.decode(File(demo, name).readBytes())
    val now = System.currentTimeMillis().toULong() / 1000UL
    val trust = TrustStore()
    trust.addManufacturerRoot(cert("acme-root.cert"))
    trust.addBlocklistRoot(cert("register-root.cert"))
    val blocklist = Blocklist()
    blocklist.apply(trust, File(demo, "register-1.pcbl").readBytes(), now)
    val verifier = Verifier(trust, blocklist)
    val evidence = PartEvidence(cert("bob-screen.cert"), listOf(cert("acme-line3.cert")))
    // Warm up: the JIT compiles the bindings' Kotlin before the clock starts.
    repeat(n / 4) { verifier.verifyPart(evidence, now) }
    val start = System.nanoTime()
    repeat(n) { check(!verifier.verifyPart(evidence, now).isBlocked) { "Bob's screen read blocked" } }
    println((System.nanoTime() - start) / n)
}
