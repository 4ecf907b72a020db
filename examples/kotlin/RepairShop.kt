// A repair shop's parts check, in Kotlin on the JVM: a screen harvested
// from a stolen handset is shown as BLOCKED, a screen from a clean donor
// handset as genuine, used, clean, and a counterfeit as untrusted. The
// library reports; what the shop does is the shop's policy.
//
// Run by bindings/tests/run.sh:
//   java -cp partcert.jar:repair-shop.jar:jna.jar:kotlin-stdlib.jar RepairShopKt

import org.partcert.*
import org.partcert.core.*
import java.time.Instant

const val T0: ULong = 1_767_225_600UL // 2026-01-01
const val DAY: ULong = 86_400UL

fun key(n: Int) = SecretKey.fromSeed(ByteArray(32) { n.toByte() })
fun date(t: ULong) = Instant.ofEpochSecond(t.toLong()).toString().substring(0, 10)

/** How the shop's screen shows a verdict. */
fun show(label: String, verdict: Verdict) {
    println("┌ $label")
    println("│ ${verdict.part.manufacturer} ${verdict.part.model} ${partKindName(verdict.part.kind)}, serial ${verdict.part.serial}")
    println("│ made by ${verdict.issuer.name}, under ${verdict.root.name}")
    verdict.provenance?.let { println("│ last fitted in handset ${it.handsetImeis.joinToString()} (paired ${date(it.pairedAt)})") }
    verdict.pairingRefused?.let { println("│ the pairing record shown with it was refused [error ${it.code} ${it.name}]") }
    when (val status = verdict.blocklist) {
        is BlocklistStatus.Blocked -> {
            println("│ ✖ BLOCKED${if (status.capped) " (more listings than shown)" else ""}")
            for (l in status.listings) {
                val what = when (val m = l.matched) {
                    is MatchedKey.Imei -> "handset ${m.v1}"
                    is MatchedKey.Part -> "this part"
                    is MatchedKey.PartKey -> "this part's key"
                    is MatchedKey.PartFingerprint -> "a listed part with this part's fingerprint ${m.v1}"
                }
                println("│   $what listed ${l.reason.name.lowercase()} by ${l.authorityName} on ${date(l.listedAt)} (list ${l.epoch}/${l.sequence})")
            }
        }
        is BlocklistStatus.Clean -> println("│ ✔ clean on ${status.lists.joinToString { "${it.authorityName} (list ${it.epoch}/${it.sequence})" }}")
        is BlocklistStatus.Stale -> println("│ ? not listed, but a list is out of date: refresh before fitting")
        BlocklistStatus.NotChecked -> println("│ ? not checked against any blocklist")
    }
    println("└ ${verdict.summary}")
}

fun main() {
    // The manufacturer, its factory line and pairing service; the national register.
    val validity = validityDaysFrom(T0 - 30UL * DAY, 365UL * 20UL)
    val acme = Authority.newManufacturerRoot(key(1), "Acme Phones root", listOf("Acme Phones"), validity)
    val line = key(2).let { Authority(it, acme.certifyPartIssuer("Acme line 3", it.publicKey(),
        listOf(PartKind.Board, PartKind.Screen), listOf("Acme Phones"), 2UL, validity)) }
    val pairing = key(3).let { Authority(it, acme.certifyPairingService("Acme pairing", it.publicKey(), 3UL, validity)) }
    val register = Authority.newBlocklistRoot(key(4), "National Mobile Property Register", validity)

    // Two handsets built at the factory.
    fun handset(n: Int, who: String): Pair<Certificate, PairingRecord> {
        val imei = imeiWithCheckDigit(35_693_803_564_380UL + n.toULong())
        val board = line.certifyPart(PartSpec(PartKind.Board, "Acme Phones", "A1", "BRD-$who", listOf(imei)), 10UL * n.toULong(), validity)
        val screen = line.certifyPart(PartSpec(PartKind.Screen, "Acme Phones", "A1 OLED", "SCR-$who"), 10UL * n.toULong() + 1UL, validity)
        return screen to pairing.pair(board, listOf(screen), 1UL, PairingEvent.FACTORY_BUILD, T0)
    }
    val (aliceScreen, aliceRecord) = handset(1, "ALICE")
    val (bobScreen, bobRecord) = handset(2, "BOB")

    // Day 10: Alice's phone is snatched on Oxford Street; the register lists it and its parts.
    val list = register.publish(Publication(Format.SORTED, ListVersion(0UL, 1UL), T0 + 10UL * DAY, T0 + 17UL * DAY),
        entriesForReportedHandset(aliceRecord, Reason.STOLEN, T0 + 10UL * DAY, ListingStatus.FINAL)).bytes

    // The shop pins Acme's root and the register's root, and loads today's list.
    TrustStore().use { trust ->
        trust.addManufacturerRoot(acme.certificate())
        trust.addBlocklistRoot(register.certificate())
        Blocklist().use { blocklist ->
            blocklist.apply(trust, list, T0 + 11UL * DAY)
            val shop = Verifier(trust, blocklist)
            val now = T0 + 12UL * DAY
            val chain = listOf(line.certificate())
            println("Oxford Street Phone Repair — parts check, ${date(now)}\n")
            show("Screen offered by a walk-in seller", shop.verifyPart(PartEvidence(aliceScreen, chain, aliceRecord), now))
            show("Screen from a donor phone bought at auction", shop.verifyPart(PartEvidence(bobScreen, chain, bobRecord), now))

            // A counterfeit with a forged "Acme" certificate.
            val forged = Authority.newManufacturerRoot(key(66), "Acme Phones root", listOf("Acme Phones"), validity)
            val fakeLine = key(67).let { Authority(it, forged.certifyPartIssuer("Acme line 3", it.publicKey(),
                listOf(PartKind.Screen), listOf("Acme Phones"), 2UL, validity)) }
            val fake = fakeLine.certifyPart(PartSpec(PartKind.Screen, "Acme Phones", "A1 OLED", "SCR-CHEAP"), 1UL, validity)
            try {
                shop.verifyPart(PartEvidence(fake, listOf(fakeLine.certificate())), now)
            } catch (e: PartcertException.Trust) {
                println("┌ Screen from an online marketplace\n│ ✖ UNTRUSTED [error ${e.info.code} ${e.info.name}]\n└ ${e.info.message}")
            }
        }
    }
}
