import aiohttp

from tests.fakes.recorder import Recorder, Reply


async def test_records_requests_and_plays_scripted_replies() -> None:
    async with Recorder() as fake, aiohttp.ClientSession() as http:
        fake.script(
            Reply(status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "3"})
        )
        async with http.post(f"{fake.url}/api/chat.postMessage", data=b'{"a":1}') as first:
            assert first.status == 429
            assert first.headers["Retry-After"] == "3"
        async with http.post(f"{fake.url}/api/chat.postMessage?x=1", data=b"raw") as second:
            assert (await second.json()) == {"ok": True}
    assert [r.path for r in fake.requests] == ["/api/chat.postMessage"] * 2
    assert fake.requests[0].json() == {"a": 1}
    assert fake.requests[1].query == "x=1"
