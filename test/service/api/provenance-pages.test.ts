/**
 * The provenance report's paged sections (issue 10): each section a page at a time by cursor, the pages together
 * exactly the section, and the whole report holding the first page of each with the next cursors.
 */
import { expect } from "chai";
import request from "supertest";
import { A, ASSET1, ASSET2, BACKENDS, useFixtureApi } from "./fixture";

const SECTIONS = ["trades", "holders", "licences", "evidence", "batches"] as const;

for (const backend of BACKENDS) {
  describe(`API provenance pages (${backend.name})`, function () {
    const h = useFixtureApi(backend);

    /** Every page of a section at `limit`, following the cursors. */
    async function allPages(asset: string, section: string, limit: number): Promise<{ pages: number; items: unknown[] }> {
      const items: unknown[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await request(h.app)
          .get(`/v1/assets/${asset}/provenance/${section}?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`)
          .expect(200);
        items.push(...(res.body.data as unknown[]));
        expect(res.body.data.length).to.be.at.most(limit);
        cursor = res.body.page.nextCursor;
        pages++;
        expect(pages, "pages never end").to.be.below(100);
      } while (cursor);
      return { pages, items };
    }

    it("should page each section, one entry a page, into exactly the whole report's section, oldest first", async () => {
      for (const asset of [ASSET1, ASSET2]) {
        const whole = (await request(h.app).get(`/v1/assets/${asset}/provenance`).expect(200)).body.data;
        expect(Object.values(whole.pages)).to.deep.equal([null, null, null, null, null]); // the fixture fits one page
        const expected: Record<(typeof SECTIONS)[number], unknown[]> = {
          trades: whole.trades,
          holders: whole.rights.holdings.map((c: object, i: number) => ({ ...c, until: whole.rights.holders[i]?.until ?? null })),
          licences: whole.rights.licences,
          evidence: whole.evidence.items,
          batches: whole.evidence.batches,
        };
        for (const s of SECTIONS) {
          const paged = await allPages(asset, s, 1);
          expect(paged.items, `${asset} ${s}`).to.deep.equal(expected[s]);
          expect(paged.pages).to.equal(Math.max(1, expected[s].length));
        }
        const blocks = (whole.trades as { event: { blockNumber: number } }[]).map((t) => t.event.blockNumber);
        expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
      }
    });

    it("should give the report's first pages at ?limit= with the cursor of each section's next page", async () => {
      const whole = (await request(h.app).get(`/v1/assets/${ASSET2}/provenance`).expect(200)).body.data;
      const small = (await request(h.app).get(`/v1/assets/${ASSET2}/provenance?limit=1`).expect(200)).body.data;
      expect(small.pageLimit).to.equal(1);
      expect(small.trades).to.deep.equal(whole.trades.slice(0, 1));
      expect(whole.trades.length).to.be.greaterThan(1);
      expect(small.pages.trades).to.be.a("string");
      const next = await request(h.app).get(`/v1/assets/${ASSET2}/provenance/trades?limit=50&cursor=${small.pages.trades}`).expect(200);
      expect(next.body.data).to.deep.equal(whole.trades.slice(1));
      expect(next.body.page.nextCursor).to.equal(null);
      // the holder period of the page's last holder ends at the next change, even on the next page
      expect(small.rights.holders[0].until).to.deep.equal(whole.rights.holders[0].until);
    });

    it("should page an account's licences, newest first, into exactly its whole list", async () => {
      const whole = (await request(h.app).get(`/v1/accounts/${A.m2}/licences`).expect(200)).body;
      expect(whole.data.licences.length).to.be.greaterThan(1);
      expect(whole.data.truncated).to.equal(false);
      const paged: unknown[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(h.app).get(`/v1/accounts/${A.m2}/licences?limit=1${cursor ? `&cursor=${cursor}` : ""}`).expect(200);
        paged.push(...(res.body.data.licences as unknown[]));
        expect(res.body.data.truncated).to.equal(res.body.page.nextCursor !== null);
        cursor = res.body.page.nextCursor;
      } while (cursor);
      expect(paged).to.deep.equal(whole.data.licences);
      const blocks = (whole.data.licences as { granted: { blockNumber: number } }[]).map((l) => l.granted.blockNumber);
      expect(blocks).to.deep.equal([...blocks].sort((a, b) => b - a));
    });

    it("should 404 an unknown asset and 400 an unknown section, a bad cursor or limit", async () => {
      const unknown = `0x${"12".repeat(32)}`;
      expect((await request(h.app).get(`/v1/assets/${unknown}/provenance/trades`).expect(404)).body.error.code).to.equal("not_found");
      expect((await request(h.app).get(`/v1/assets/${ASSET1}/provenance/owners`).expect(400)).body.error.field).to.equal("params.section");
      expect((await request(h.app).get(`/v1/assets/${ASSET1}/provenance/trades?cursor=WzFd`).expect(400)).body.error.field).to.equal("query.cursor");
      expect((await request(h.app).get(`/v1/assets/${ASSET1}/provenance/trades?limit=0`).expect(400)).body.error.field).to.equal("query.limit");
      expect((await request(h.app).get(`/v1/assets/${ASSET1}/provenance?limit=201`).expect(400)).body.error.field).to.equal("query.limit");
    });
  });
}
