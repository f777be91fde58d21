from vaultkit import Note


def test_round_trip_simple() -> None:
    text = "---\ntype: plan\n---\n- [x] a\n"
    assert Note.parse(text).dumps() == text
