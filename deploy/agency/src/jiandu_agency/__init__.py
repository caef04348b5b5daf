"""The agency subscriber: what a partner agency (纪检监察, 检察, 审计, 巡察) runs on its own side.

It receives the events the platform shares with the agency, from the agency's own broker queue
or as webhooks, checks that each one is signed by the platform and fresh, drops duplicates by
event id and hands the rest to the agency's systems (a directory of JSON files, an HTTP
forward, or both).
"""
