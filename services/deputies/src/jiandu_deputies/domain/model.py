"""Domain of the deputies service: Deputy liaison, citizens' opinions, deputy suggestions (代表联络、民情民意、代表建议).

Pure domain, no framework imports. The aggregates arrive with the deputies issue; the kernel
(outbox, inbox, migrations, HTTP and messaging defaults) is already in place.
"""
