// Kotlin tests of keeping a device's lists current from a register's repository, through the
// suspending `Blocklist.sync` (bindings/kotlin/org/partcert/BlocklistSync.kt) with an in-memory
// fetch function standing in for an HTTP client. Run from PartcertTests.kt's main.

import kotlinx.coroutines.runBlocking
import org.partcert.*
import org.partcert.core.*
import java.io.File
import java.io.FileNotFoundException
import java.nio.file.Files

/** The handset a register lists on [day] (a new one each day). */
fun stolenOn(day: Int) = BlocklistEntry(BlockKey.Imei(imeiWithCheckDigit(35_100_000_000_000UL + day.toULong())),
    Reason.STOLEN, T0 + day.toULong() * DAY, ListingStatus.FINAL)

/** A register's repository, in memory: its files by path, the head written last. */
class Repository(val register: Authority) {
    val files = mutableMapOf<String, ByteArray>()
    /** Every head it served, day 1's first. */
    val heads = mutableListOf<ByteArray>()
    /** The files it published on each day, day 1's first. */
    val published = mutableListOf<SignedList>()
    private var head: RepositoryHead? = null
    private var master: ByteArray? = null

    /** Day [day]: [listed] reported; the first day's list as a snapshot, every later one as the
     *  delta over yesterday's; a head valid 24 hours, keeping 30 days of deltas. */
    fun publishDay(day: Int, listed: List<BlocklistEntry>, delisted: List<BlockKey> = listOf()) {
        val at = T0 + day.toULong() * DAY
        fun publication(format: Format) = Publication(format, ListVersion(0UL, day.toULong()), at, at + 2UL * DAY,
            master?.let { ListBase.Snapshot(it) }, delisted)
        val full = register.publish(publication(Format.SORTED), listed).bytes
        val added = SignedList.decode(if (master == null) full else register.publish(publication(Format.DELTA), listed).bytes)
        files[added.fileRef().path] = added.toBytes()
        published += added
        val next = register.publishHead(head, listOf(added), 30UL * DAY, at, at + DAY)
        files[repositoryHeadPath()] = next.toBytes()
        heads += next.toBytes()
        head = next
        master = full
    }

    /** What an HTTP client reading from a mirror of it returns: at most maxBytes + 1 bytes. */
    fun fetch(path: String, maxBytes: Long): ByteArray {
        val bytes = files[path] ?: throw FileNotFoundException(path)
        return bytes.copyOf(minOf(bytes.size.toLong(), maxBytes + 1).toInt())
    }
}

/** A repository of six days: day 3 lists Alice's stolen handset, day 5 finds day 1's handset. */
fun sixDays(w: World) = Repository(w.register).also { repo ->
    for (day in 1..6) {
        val listed = listOf(stolenOn(day)) +
            if (day == 3) entriesForReportedHandset(w.alice.record, Reason.STOLEN, T0 + 3UL * DAY, ListingStatus.FINAL) else listOf()
        repo.publishDay(day, listed, if (day == 5) listOf(stolenOn(1).key) else listOf())
    }
}

/** The repository as it stood on [day]: its files, and that day's head. */
fun Repository.asOf(day: Int): suspend (String, Long) -> ByteArray = { path, max ->
    if (path == repositoryHeadPath()) heads[day - 1] else fetch(path, max)
}

fun listed(device: Blocklist, day: Int) = device.lookup(listOf(stolenOn(day).key)).isNotEmpty()

/** A shop's device syncs every morning, fetching only the day's delta; one offline all week
 *  catches up in one sync; the lists read as the register published them. */
fun aDeviceSyncingEveryMorning(w: World) = runBlocking {
    val trust = w.trust()
    val repo = sixDays(w)
    val device = Blocklist()
    for (day in 1..6) {
        val fetched = mutableListOf<String>()
        val outcome = device.sync(trust, T0 + day.toULong() * DAY + HOUR) { path, max ->
            fetched += path
            repo.asOf(day)(path, max)
        }
        val file = repo.published[day - 1]
        check("day $day: the head, then the day's ${if (day == 1) "snapshot" else "delta"} only",
            fetched == listOf("head.pchd", file.fileRef().path) && fetched[1].endsWith(if (day == 1) ".pcbl" else ".pcbd"), fetched)
        check("day $day: version ${day - 1} → $day, one file, head and file bytes counted",
            outcome.previous == (if (day == 1) null else ListVersion(0UL, day.toULong() - 1UL)) &&
                outcome.version == ListVersion(0UL, day.toULong()) && outcome.filesFetched == 1u &&
                outcome.bytesFetched == (repo.heads[day - 1].size + file.toBytes().size).toULong() &&
                outcome.headExpiresAt == T0 + (day + 1).toULong() * DAY, outcome)
        check("day $day: the day's handset listed", listed(device, day))
    }
    check("day 1's handset, found on day 5, no longer listed", !listed(device, 1) && listed(device, 2))
    val shop = Verifier(trust, device)
    val now = T0 + 6UL * DAY + 2UL * HOUR
    check("Alice's harvested screen reads blocked, Bob's clean", shop.verifyPart(PartEvidence(w.alice.screen, w.chain), now).isBlocked &&
        shop.verifyPart(PartEvidence(w.bob.screen, w.chain), now).blocklist is BlocklistStatus.Clean)
    val again = device.sync(trust, now, repo::fetch)
    check("a device already current fetches the head only", again.filesFetched == 0u &&
        again.bytesFetched == repo.heads.last().size.toULong() && again.previous == again.version, again)

    val offline = Blocklist()
    offline.sync(trust, T0 + DAY + HOUR, repo.asOf(1))
    val fetched = mutableListOf<String>()
    val week = offline.sync(trust, T0 + 6UL * DAY + HOUR) { path, max -> fetched += path; repo.fetch(path, max) }
    check("offline from day 1 to day 6: five deltas in one sync, in order", week.filesFetched == 5u &&
        fetched.drop(1) == repo.published.drop(1).map { it.fileRef().path }, fetched)
    check("and it holds what the daily device holds", offline.lists() == device.lists() && !listed(offline, 1) && listed(offline, 6))
    val head = RepositoryHead.decode(repo.heads.last()).info()
    check("the head names day 1's snapshot and five deltas, from sequence 1 to 5", head.version == ListVersion(0UL, 6UL) &&
        head.snapshot.path.endsWith(".pcbl") && head.deltas.map { it.from } == listOf(1UL, 2UL, 3UL, 4UL, 5UL) &&
        head.expiresAt == T0 + 7UL * DAY && head.authority == w.register.keyId(), head)
    check("the head was signed by the register, and decodes as one",
        RepositoryHead.decode(repo.heads.last()).signerCertificate() == w.register.certificate() &&
            decodeObject(repo.heads.last()) is PartcertObject.RepositoryHead)
}

/** A mirror replays an older head, or serves a file of another day, cut short or too long: each is
 *  refused, and the device keeps the lists it held. */
fun aMirrorThatLies(w: World) = runBlocking {
    val trust = w.trust()
    val repo = sixDays(w)
    val device = Blocklist()
    device.sync(trust, T0 + 3UL * DAY + HOUR, repo.asOf(3))
    val held = device.saveState()
    val now = T0 + 5UL * DAY + HOUR
    val rolledBack = expectError("day 2's head after day 3's (rollback)", 400u) {
        runBlocking { device.sync(trust, now, repo.asOf(2)) }
    }
    check("a rollback is a blocklist-state error", rolledBack is PartcertException.BlocklistState)
    check("after the rollback the device keeps day 3", device.saveState().contentEquals(held) &&
        device.lists().single().version == ListVersion(0UL, 3UL))

    val dayFour = repo.published[3].toBytes()
    val mixed = expectError("day 4's delta served as day 5's", 206u) {
        runBlocking { device.sync(trust, now) { path, max -> if (path == repo.published[4].fileRef().path) dayFour else repo.asOf(5)(path, max) } }
    }
    check("a mixed-up file is FileMismatch, naming the file", mixed?.info()?.name == "FileMismatch" &&
        mixed.info().message.contains(repo.published[4].fileRef().path), mixed?.info())
    check("after the mixed-up file the device keeps day 3", device.saveState().contentEquals(held))
    expectError("day 4's delta cut short by one byte", 206u) {
        runBlocking { device.sync(trust, now) { path, max -> repo.asOf(5)(path, max).let { if (path.endsWith(".pcbd")) it.copyOf(it.size - 1) else it } } }
    }
    expectError("an endless file, read to its size plus one", 206u) {
        runBlocking { device.sync(trust, now) { path, max -> if (path.endsWith(".pcbd")) ByteArray((max + 1).toInt()) else repo.asOf(5)(path, max) } }
    }
    var failures = 0
    try {
        device.sync(trust, now) { path, max -> if (path.endsWith(".pcbd")) throw FileNotFoundException(path) else repo.asOf(5)(path, max) }
    } catch (e: FileNotFoundException) { failures++ }
    check("the fetch function's own error propagates as it is", failures == 1)
    check("after every refusal the device keeps day 3", device.saveState().contentEquals(held))
    check("and the honest mirror brings it to day 5", device.sync(trust, now, repo.asOf(5)).version == ListVersion(0UL, 5UL))
}

/** The mirror freezes on day 6's head: once it has expired, the list reads stale, naming no
 *  fresh head since day 6 — never clean — until a fresh head arrives. */
fun aFrozenMirror(w: World) = runBlocking {
    val trust = w.trust()
    val repo = sixDays(w)
    val device = Blocklist()
    device.sync(trust, T0 + 6UL * DAY + HOUR, repo::fetch)
    val later = T0 + 7UL * DAY + HOUR
    val frozen = device.sync(trust, later, repo::fetch)
    check("the frozen head syncs without error, fetching nothing", frozen.filesFetched == 0u && frozen.headExpiresAt < later)
    check("the list reads stale: no fresh head since day 6",
        device.listsChecked(trust, later).single().staleReason == StaleReason.NoFreshHead(T0 + 6UL * DAY))
    val bob = Verifier(trust, device).verifyPart(PartEvidence(w.bob.screen, w.chain), later)
    check("Bob's screen reads stale, never clean", bob.isStale && bob.blocklist is BlocklistStatus.Stale &&
        bob.summary.contains("no fresh head"), bob.summary)
    repo.publishDay(7, listOf(stolenOn(7)))
    device.sync(trust, later, repo::fetch)
    check("a fresh head makes it current again", device.listsChecked(trust, later).single().staleReason == null &&
        Verifier(trust, device).verifyPart(PartEvidence(w.bob.screen, w.chain), later).blocklist is BlocklistStatus.Clean)
}

/** The device saves its state to a path after each sync and reads it back after a restart: the
 *  lists, the heads seen and the anti-rollback protection survive. */
fun aStateSavedToAPath(w: World) = runBlocking {
    val trust = w.trust()
    val repo = sixDays(w)
    val folder = Files.createTempDirectory("partcert-state").toFile()
    val path = File(folder, "device.pcbs").path
    try {
        val missing = try { loadBlocklistStateFrom(path, trust); null } catch (e: StateFileException.NoSuchState) { e }
        check("nothing saved yet: NoSuchState, naming the path", missing?.path == path, missing)
        val device = Blocklist()
        device.sync(trust, T0 + 4UL * DAY + HOUR, repo.asOf(4))
        device.saveStateTo(path)
        device.sync(trust, T0 + 5UL * DAY + HOUR, repo.asOf(5))
        device.saveStateTo(path)
        check("the save replaced the file whole, nothing left beside it", folder.list()!!.toList() == listOf("device.pcbs"))
        val restarted = loadBlocklistStateFrom(path, trust)
        check("after a restart: day 5's list, nothing dropped", restarted.dropped.isEmpty() &&
            restarted.blocklist.lists() == device.lists() && restarted.blocklist.lists().single().version == ListVersion(0UL, 5UL))
        check("the head seen is kept with the marks", restarted.blocklist.rollbackMarks().single().let {
            it.headIssuedAt == T0 + 5UL * DAY && it.headExpiresAt == T0 + 6UL * DAY })
        expectError("after a restart day 4's head is still a rollback", 400u) {
            runBlocking { restarted.blocklist.sync(trust, T0 + 5UL * DAY + 2UL * HOUR, repo.asOf(4)) }
        }
        check("and the restarted device syncs on to day 6",
            restarted.blocklist.sync(trust, T0 + 6UL * DAY + HOUR, repo::fetch).filesFetched == 1u)
        val io = try { device.saveStateTo(File(folder, "no-such-folder/device.pcbs").path); null } catch (e: StateFileException.Io) { e }
        check("a save into a missing folder is Io, and writes nothing", io != null && !File(folder, "no-such-folder").exists(), io)
        File(path).writeBytes(byteArrayOf(0x50, 0x43, 0x42, 0x53, 1, 2, 3))
        val damaged = try { loadBlocklistStateFrom(path, trust); null } catch (e: StateFileException.Refused) { e }
        check("a damaged state file is refused with the core's code", damaged?.info?.family == "malformed", damaged)
    } finally {
        folder.deleteRecursively()
    }
}

/** A national register's compact list is saved in a file of its own beside the state
 *  (`device.lists/<sha256>.pccs`, the core's layout, as the CLI and C keep it) and read back in
 *  place: the restarted device finds the same handset; a list file lost is an Io error naming it. */
fun aCompactListSavedBesideTheState(w: World) {
    val trust = w.trust()
    val device = Blocklist()
    val snapshot = w.register.publish(Publication(Format.COMPACT, ListVersion(0UL, 1UL), T0 + DAY, T0 + 3UL * DAY),
        (1..3).map { stolenOn(it) }).bytes
    device.apply(trust, snapshot, T0 + DAY + HOUR)
    val folder = Files.createTempDirectory("partcert-compact").toFile()
    val path = File(folder, "device.pcbs").path
    try {
        device.saveStateTo(path)
        val lists = File(folder, "device.lists").listFiles()!!.toList()
        check("the compact list is a file of its own beside the state", lists.size == 1 && lists.single().extension == "pccs" &&
            folder.list()!!.sorted() == listOf("device.lists", "device.pcbs"), folder.list()!!.toList())
        val restarted = loadBlocklistStateFrom(path, trust).blocklist
        check("read back, it holds the same list and finds day 2's handset",
            restarted.lists() == device.lists() && listed(restarted, 2) && !listed(restarted, 4))
        lists.single().delete()
        val lost = try { loadBlocklistStateFrom(path, trust); null } catch (e: StateFileException.Io) { e }
        check("a list file lost is Io, naming it", lost?.path == lists.single().path, lost)
    } finally {
        folder.deleteRecursively()
    }
}
