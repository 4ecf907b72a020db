// A repair shop's device keeps the national register's list current from the register's
// repository on a web server, in Kotlin on the JVM with java.net.http: each morning it
// restarts from its saved state, fetches the head and only the files it lacks, and saves the
// new state atomically. When the server stops publishing, the list reads stale — never clean.
//
// The register is played here too, writing its repository into the folder the server serves
// (a real register runs `partcert blocklist publish --repo`). Run by bindings/tests/run.sh, with
// nginx serving REPO_DIR at BASE_URL (scripts/serve.sh):
//   java -cp partcert.jar:sync-from-server.jar:jna.jar:kotlin-stdlib.jar:kotlinx-coroutines-core-jvm.jar \
//       SyncFromServerKt BASE_URL REPO_DIR STATE_DIR

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.partcert.*
import org.partcert.core.*
import java.io.File
import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.time.Duration
import java.time.Instant
import kotlin.system.exitProcess

const val T0: ULong = 1_767_225_600UL // 2026-01-01
const val HOUR: ULong = 3_600UL
const val DAY: ULong = 86_400UL

fun date(t: ULong) = Instant.ofEpochSecond(t.toLong()).toString().substring(0, 16).replace('T', ' ')
fun stolen(n: Int, day: Int) = BlocklistEntry(BlockKey.Imei(imeiWithCheckDigit(35_693_803_564_000UL + n.toULong())),
    Reason.STOLEN, T0 + day.toULong() * DAY, ListingStatus.FINAL)

/** The register: signs each day's list and a head, and lays them out as files in [dir]. */
class Register(val dir: File) {
    val authority = Authority.newBlocklistRoot(SecretKey.fromSeed(ByteArray(32) { 4 }), "National Mobile Property Register",
        validityDaysFrom(T0 - 30UL * DAY, 365UL * 20UL))
    private var master: ByteArray? = null
    private var head: RepositoryHead? = null

    /** Day [day]'s reports: the first list a snapshot, then each day the delta over yesterday's. */
    fun publish(day: Int, listed: List<BlocklistEntry>) {
        val at = T0 + day.toULong() * DAY
        fun publication(format: Format) =
            Publication(format, ListVersion(0UL, day.toULong()), at, at + 7UL * DAY, master?.let { ListBase.Snapshot(it) })
        val full = authority.publish(publication(Format.SORTED), listed).bytes
        val list = SignedList.decode(if (master == null) full else authority.publish(publication(Format.DELTA), listed).bytes)
        // Lists first, under names that never change; the head last, renamed into place whole.
        File(dir, list.fileRef().path).apply { parentFile.mkdirs() }.writeBytes(list.toBytes())
        val next = authority.publishHead(head, listOf(list), 30UL * DAY, at, at + DAY)
        val staged = File(dir, ".head.pchd.new").apply { writeBytes(next.toBytes()) }
        Files.move(staged.toPath(), File(dir, repositoryHeadPath()).toPath(), StandardCopyOption.ATOMIC_MOVE)
        master = full
        head = next
    }
}

/** The app's own HTTP stack: GET base/path, reading at most maxBytes + 1 bytes of the body. */
class Mirror(private val base: String) {
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    suspend fun fetch(path: String, maxBytes: Long): ByteArray = withContext(Dispatchers.IO) {
        val request = HttpRequest.newBuilder(URI.create("$base/$path")).timeout(Duration.ofSeconds(10))
            .header("Cache-Control", "no-cache").build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofInputStream())
        response.body().use { body ->
            if (response.statusCode() != 200) throw IOException("GET $path: HTTP ${response.statusCode()}")
            body.readNBytes(minOf(maxBytes + 1, Int.MAX_VALUE.toLong()).toInt())
        }
    }
}

fun main(args: Array<String>) = runBlocking {
    val (baseUrl, repoDir, stateDir) = args
    val register = Register(File(repoDir))
    val mirror = Mirror(baseUrl)
    val state = File(stateDir, "shop.pcbs").path
    val trust = TrustStore().apply { addBlocklistRoot(register.authority.certificate()) }
    val failures = mutableListOf<String>()
    fun expect(what: String, ok: Boolean) { if (!ok) failures += what }

    /** One morning at the shop: restart from the saved state, sync, save. */
    suspend fun morning(day: Int): Blocklist {
        val now = T0 + day.toULong() * DAY + 8UL * HOUR
        val device = try { loadBlocklistStateFrom(state, trust).blocklist } catch (e: StateFileException.NoSuchState) { Blocklist() }
        val outcome = device.sync(trust, now, mirror::fetch)
        device.saveStateTo(state)
        val from = outcome.previous?.let { "list ${it.sequence}" } ?: "nothing"
        val standing = when (val reason = device.listsChecked(trust, now).single().staleReason) {
            null -> "current"
            is StaleReason.NoFreshHead -> "STALE: no fresh head since ${date(reason.since)}"
            else -> "STALE ($reason)"
        }
        println("${date(now)}  $from → list ${outcome.version.sequence}: ${outcome.filesFetched} file(s), " +
            "${outcome.bytesFetched} bytes with the head; $standing")
        return device
    }

    println("Oxford Street Phone Repair keeps ${register.authority.certificate().authority()!!.name}'s list current from $baseUrl\n")
    register.publish(1, (1..3).map { stolen(it, 1) })
    expect("day 1 fetches the snapshot", morning(1).lists().single().entryCount == 3UL)
    register.publish(2, listOf(stolen(4, 2)))
    register.publish(3, listOf(stolen(5, 3)))
    morning(3).let { device ->
        expect("day 3 catches up through two deltas", device.lists().single().version == ListVersion(0UL, 3UL))
        expect("the handset stolen on day 3 is listed", device.lookup(listOf(stolen(5, 3).key)).single().reason == Reason.STOLEN)
    }
    register.publish(4, listOf(stolen(6, 4)))
    expect("day 4 fetches one delta", morning(4).lists().single().entryCount == 6UL)
    // The register's server stops publishing: day 4's head expires on day 5.
    val frozen = morning(6).listsChecked(trust, T0 + 6UL * DAY + 8UL * HOUR).single()
    expect("a frozen server reads stale, never clean", frozen.staleReason == StaleReason.NoFreshHead(T0 + 4UL * DAY))
    println("\nA part checked on day 6 reads \"stale\", not \"clean\": no fresh head from the register since ${date(T0 + 4UL * DAY)}.")

    if (failures.isNotEmpty()) {
        println("the story changed: ${failures.joinToString()}")
        exitProcess(1)
    }
}
