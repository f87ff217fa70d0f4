"""An aiosmtpd handler for the iMIP tests: every message received is written, envelope and raw
bytes unchanged, as one JSON file in a directory (python3 -m aiosmtpd -c smtp_sink.RawSink DIR)."""
import base64
import json
import os
import uuid


class RawSink:
    def __init__(self, directory):
        self.directory = directory

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("RawSink needs the directory to write messages to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": base64.b64encode(envelope.original_content or envelope.content).decode("ascii"),
        }
        name = os.path.join(self.directory, uuid.uuid4().hex)
        with open(name + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        # Renamed into place only when complete, so a reader never sees half a message.
        os.rename(name + ".tmp", name + ".json")
        return "250 Message accepted for delivery"
