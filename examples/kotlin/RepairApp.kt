// A repair app on a technician's phone checks a part against the national register's list
// without holding it, in Kotlin on the JVM: the register publishes its list cut into shards
// beside it, under a root its signed head names; the app fetches the head and only the shards
// the part's keys lie in (a few kilobytes, not the list), proves each against that root, and
// reads the same verdict a shop holding the whole list reads. The server learns which slices
// were asked for, never which phone or part.
//
// The register is played here too, writing its repository into a folder (a real register runs
// `partcert blocklist publish --repo DIR --shards`; any web server or CDN serves it); the app's
// fetch reads that folder as an HTTP client reads a URL, no more than the bytes asked for, plus
// one. Run by bindings/tests/run.sh:
//   java -cp partcert.jar:repair-app.jar:jna.jar:kotlin-stdlib.jar:kotlinx-coroutines-core-jvm.jar \
//       RepairAppKt REPO_DIR

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.partcert.*
import org.partcert.core.*
import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import kotlin.system.exitProcess

const val T0: ULong = 1_767_225_600UL // 2026-01-01
const val HOUR: ULong = 3_600UL
const val DAY: ULong = 86_400UL

fun key(n: Int) = SecretKey.fromSeed(ByteArray(32) { n.toByte() })

/** The register's repository in [dir]: the list, its shards, then the head naming both. */
fun publish(register: Authority, trust: TrustStore, dir: File, listed: List<BlocklistEntry>, at: ULong): Long {
    val bytes = register.publish(Publication(Format.SORTED, ListVersion(0UL, 1UL), at, at + 7UL * DAY), listed).bytes
    val list = SignedList.decode(bytes)
    File(dir, list.fileRef().path).apply { parentFile.mkdirs() }.writeBytes(bytes)
    // The register's own copy of its list, cut into as many shards as its size needs.
    val shards = Blocklist().use { copy ->
        copy.apply(trust, bytes, at)
        register.cutShards(copy)
    }
    for (index in 0u until shards.count()) {
        File(dir, shards.path(index)).apply { parentFile.mkdirs() }.writeBytes(shards.file(index)!!)
    }
    val head = register.headWithShards(register.publishHead(null, listOf(list), 30UL * DAY, at, at + DAY), shards)
    val staged = File(dir, ".head.pchd.new").apply { writeBytes(head.toBytes()) }
    Files.move(staged.toPath(), File(dir, repositoryHeadPath()).toPath(), StandardCopyOption.ATOMIC_MOVE)
    println("The register publishes ${listed.size} listings (${bytes.size} bytes) and ${shards.count()} shards " +
        "of at most ${shards.reference().maxSize} bytes.")
    return bytes.size.toLong()
}

/** The app's fetch: a GET of base/path reading at most maxBytes + 1 bytes; here, the folder. */
class Repository(private val dir: File) {
    val asked = mutableListOf<String>()
    suspend fun fetch(path: String, maxBytes: Long): ByteArray {
        // Noted on the caller's thread: checkShards reads the shards concurrently on Dispatchers.IO.
        asked += path
        return withContext(Dispatchers.IO) {
            File(dir, path).inputStream().use { it.readNBytes(minOf(maxBytes + 1, Int.MAX_VALUE.toLong()).toInt()) }
        }
    }
}

fun main(args: Array<String>) = runBlocking {
    val dir = File(args.getOrElse(0) { Files.createTempDirectory("partcert-repo").toString() })
    val validity = validityDaysFrom(T0 - 30UL * DAY, 365UL * 20UL)
    val acme = Authority.newManufacturerRoot(key(1), "Acme Phones root", listOf("Acme Phones"), validity)
    val line = key(2).let { Authority(it, acme.certifyPartIssuer("Acme line 3", it.publicKey(),
        listOf(PartKind.Board, PartKind.Screen), listOf("Acme Phones"), 2UL, validity)) }
    val pairing = key(3).let { Authority(it, acme.certifyPairingService("Acme pairing", it.publicKey(), 3UL, validity)) }
    val register = Authority.newBlocklistRoot(key(4), "National Mobile Property Register", validity)
    val trust = TrustStore().apply {
        addManufacturerRoot(acme.certificate())
        addBlocklistRoot(register.certificate())
    }
    fun handset(n: Int, who: String): Pair<Certificate, PairingRecord> {
        val imei = imeiWithCheckDigit(35_693_803_564_380UL + n.toULong())
        val board = line.certifyPart(PartSpec(PartKind.Board, "Acme Phones", "A1", "BRD-$who", listOf(imei)), 10UL * n.toULong(), validity)
        val screen = line.certifyPart(PartSpec(PartKind.Screen, "Acme Phones", "A1 OLED", "SCR-$who"), 10UL * n.toULong() + 1UL, validity)
        return screen to pairing.pair(board, listOf(screen), 1UL, PairingEvent.FACTORY_BUILD, T0)
    }
    val (aliceScreen, aliceRecord) = handset(1, "ALICE")
    val (bobScreen, bobRecord) = handset(2, "BOB")

    // Day 10: Alice's phone is snatched; the register lists it among 5,000 other handsets.
    val others = (1..5_000).map { n ->
        BlocklistEntry(BlockKey.Imei(imeiWithCheckDigit(35_100_000_000_000UL + n.toULong())), Reason.STOLEN, T0 + DAY, ListingStatus.FINAL)
    }
    val listSize = publish(register, trust, dir,
        others + entriesForReportedHandset(aliceRecord, Reason.STOLEN, T0 + 10UL * DAY, ListingStatus.FINAL), T0 + 10UL * DAY)

    val failures = mutableListOf<String>()
    fun expect(what: String, ok: Boolean) { if (!ok) failures += what }
    val now = T0 + 10UL * DAY + 2UL * HOUR
    val chain = listOf(line.certificate())
    println("\nA technician's repair app checks two screens against the register's list, holding none of it:")
    for ((label, evidence, stolen) in listOf(
        Triple("Screen offered by a walk-in seller", PartEvidence(aliceScreen, chain, aliceRecord), true),
        Triple("Screen from a donor phone bought at auction", PartEvidence(bobScreen, chain, bobRecord), false))) {
        val repository = Repository(dir)
        Blocklist().use { phone ->
            val outcome = phone.checkShards(trust, evidence, now, repository::fetch)
            val verdict = Verifier(trust, phone).use { it.verifyPart(evidence, now) }
            println("┌ $label")
            println("│ fetched the head and ${outcome.shardsFetched} shard(s): ${outcome.bytesFetched} bytes of a $listSize-byte list")
            println("│ the server learns only: ${repository.asked.drop(1).joinToString { it.substringAfterLast('/') }}")
            println("│ ${verdict.headline}")
            println("└ ${verdict.summary}")
            expect("$label: a few kilobytes", outcome.bytesFetched < 20_000UL && outcome.bytesFetched * 10UL < listSize.toULong())
            expect("$label: the list reads current", !verdict.isStale)
            if (stolen) expect("Alice's screen BLOCKED", verdict.isBlocked)
            else expect("Bob's screen clean", verdict.summary == "genuine (serial-only), used, clean")
        }
    }

    // A mirror that alters a shard in transit is refused; the phone's lists are untouched.
    Blocklist().use { phone ->
        val keys = Verifier(trust).use { it.blocklistKeys(PartEvidence(bobScreen, chain, bobRecord), now) }
        val tampering: suspend (String, Long) -> ByteArray = { path, max ->
            Repository(dir).fetch(path, max).also { if (path.endsWith(".pcsh")) it[it.size / 2] = (it[it.size / 2].toInt() xor 1).toByte() }
        }
        try {
            phone.checkShards(trust, keys, now, tampering)
            expect("a tampered shard refused", false)
        } catch (e: PartcertException) {
            println("\nA shard altered in transit: $e")
            expect("a tampered shard refused, nothing kept", phone.lists().isEmpty())
        }
    }

    if (failures.isNotEmpty()) {
        println("the story changed: ${failures.joinToString()}")
        exitProcess(1)
    }
}
