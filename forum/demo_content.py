"""Demo community content for ``flask seed-demo``.

Realistic customer questions, answers, comments and votes for a fictional
consumer-tech company ("Northwind Home"), so a fresh PeerCare install looks
like a real, lived-in support community instead of an empty forum.

This module is plain data only: the seeding command reads it and creates
products, members, questions, answers, comments and votes from it.

Conventions:
* ``author`` fields are indexes into ``MEMBERS``.
* ``accepted`` is an index into the question's ``answers`` list, or ``None``.
* ``votes`` is the net score the seeded post should end up with.
* ``MEMBERS[0]`` is the moderator; ``sam_support`` is a staff member.
"""

PRODUCTS = [
    {
        "slug": "thermostat",
        "name": "Northwind Thermostat",
        "description": (
            "The Northwind smart thermostat: installation and wiring, schedules, "
            "heat pumps, room sensors and voice assistants."
        ),
    },
    {
        "slug": "mesh-router",
        "name": "Northwind Mesh Wi-Fi",
        "description": (
            "Whole-home mesh Wi-Fi: setup, node placement, speed, port forwarding, "
            "DNS and parental controls."
        ),
    },
    {
        "slug": "energy-app",
        "name": "Northwind Energy App",
        "description": (
            "The Northwind Energy mobile app for iOS and Android: usage reports, "
            "bills and rate plans, notifications, accounts and the public API."
        ),
    },
]

MEMBERS = [
    {"username": "lena_mod", "about": "Community moderator. I keep things tidy, merge duplicates and make sure questions reach the right people."},
    {"username": "sam_support", "about": "Northwind Home support team. I pop in when a question needs an official answer or a ticket."},
    {"username": "maria_k", "about": "Busy parent of three, slowly making our old house a bit smarter."},
    {"username": "dev-oliver", "about": "Backend developer. I poke at every API I can find and share the scripts here."},
    {"username": "hvac_tom", "about": "Licensed HVAC tech for 18 years. Happy to help with wiring questions, but please turn off the breaker first."},
    {"username": "priya_r", "about": "Data analyst who works from home and cares a lot about stable video calls."},
    {"username": "jcooper", "about": "First-time homeowner learning everything the hard way."},
    {"username": "nadia_h", "about": "Teacher and mum of two teenagers. Parental controls are my daily battle."},
    {"username": "ben_tinkers", "about": "Weekend tinkerer with a garage workshop full of gadgets."},
    {"username": "grandpa_walt", "about": "Retired machinist, 74. My grandkids set this up and now I'm trying to learn it myself."},
    {"username": "kenji-w", "about": "Living in a cold climate with a heat pump and a spreadsheet of every kWh."},
    {"username": "sofia_m", "about": "Product designer. I notice every glitch in an app, sorry in advance."},
    {"username": "rustbucket42", "about": "Gamer, runs a small Minecraft server for friends, forever fighting NAT."},
    {"username": "el_fuentes", "about": "Renovating a 1960s bungalow one room at a time."},
    {"username": "homelab_hank", "about": "Homelab enthusiast: Pi-hole, Proxmox, VLANs, the works."},
    {"username": "chloe_b", "about": "Smart-home hobbyist, mostly Google Home with some Alexa in the kitchen."},
    {"username": "anil_d", "about": "Engineer who likes checking that the numbers on the screen are actually right."},
    {"username": "mrs_petrova", "about": "Small B&B owner. I need things to just work for my guests."},
    {"username": "frankie-g", "about": "Night-shift nurse, console gamer, light sleeper."},
    {"username": "quietcoder", "about": "Privacy-minded developer. I read the terms of service so you don't have to."},
]

QUESTIONS = [
    # 1 ------------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 2,
        "title": "Thermostat keeps switching to eco mode at night even though the schedule is off",
        "body": """Every night around 11pm my thermostat drops to **Eco** (62°F) and the house gets cold. I turned the schedule off completely in the app, so I don't understand what is triggering it.

- Model: Northwind Thermostat T2, firmware 4.2.1
- App: iOS, version 6.2.0
- Only one thermostat in the house

I already tried restarting the thermostat and toggling the schedule on and off. Any ideas?""",
        "tags": ["schedule", "firmware"],
        "answers": [
            {
                "author": 4,
                "body": """Eco at night with the schedule off is almost always **Auto-Eco**, which is a separate feature. It switches to Eco when it thinks nobody is home (no motion near the unit plus no phones in the home area).

1. Open Settings > Energy Saving
2. Turn off *Auto-Eco* (or set it to "Only when away")
3. If you want presence detection, add everyone's phone under Home > Presence

The schedule screen doesn't show it, which confuses a lot of people.""",
                "comments": [
                    {"author": 2, "body": "That fixed it, thanks! Auto-Eco was on and nobody walks past the hallway at night, so it assumed we were out."},
                ],
                "votes": 9,
            },
            {
                "author": 1,
                "body": "Tom is right. We've had feedback that Auto-Eco is hard to find, and firmware 4.3 will show a small banner on the schedule screen whenever Auto-Eco has taken over.",
                "comments": [],
                "votes": 4,
            },
        ],
        "accepted": 0,
        "comments": [
            {"author": 16, "body": "Same thing happens to me. Following."},
        ],
        "votes": 6,
    },
    # 2 ------------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 8,
        "title": "Satellite node in the garage keeps going orange and dropping devices",
        "body": """I have a 3-pack Northwind Mesh (router + 2 satellites). The satellite in my detached garage keeps flipping between a white and an orange light, and my shop speaker drops off every few minutes.

The garage is about 15 m from the house, through one exterior wall and a metal door. The node sits on a shelf at floor level next to the air compressor. The app shows the backhaul signal as "Fair" to "Poor".

I read the placement guide at https://example.com/support/mesh/placement but it doesn't cover outbuildings. Is there any setting I can change, or do I need a fourth node?""",
        "tags": ["mesh", "wifi", "speed"],
        "answers": [
            {
                "author": 14,
                "body": """Orange means the backhaul link is weak. A metal door plus an exterior wall plus floor level is about the worst spot you could pick. Before buying anything:

1. Raise the node to chest height or higher
2. Put it as close to the house side of the garage as you can, ideally near a window rather than the metal door
3. Keep it away from the compressor (motors make a lot of electrical noise)

If that's still not enough, running a cable for wired backhaul beats adding a fourth node.""",
                "comments": [
                    {"author": 8, "body": "Moved it about 3 m closer to the window and up on the wall bracket. Solid white for two days now."},
                ],
                "votes": 7,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 3 ------------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 2,
        "title": "Bill estimate in the app is way higher than my actual bill",
        "body": "The Energy App told me my bill for February would be around $240. The real bill from my utility came in at $171. Usage in the app (812 kWh) matches the bill almost exactly, so it's the price that is wrong, not the usage. Where does the app get its price per kWh from? I never entered one as far as I remember.",
        "tags": ["billing", "energy-report"],
        "answers": [
            {
                "author": 1,
                "body": """If no rate plan is set, the app falls back to the average residential rate for your state, which includes a typical delivery charge. That can be far off for your utility.

To fix it, go to **Settings > Rate plan**, pick your utility and plan from the list, or choose *Custom* and enter the price per kWh from your bill. Estimates are recalculated for the current and previous billing periods within a few minutes.""",
                "comments": [
                    {"author": 2, "body": "My utility was in the list. The estimate for March now says $168, much more believable."},
                ],
                "votes": 8,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 4,
    },
    # 4 ------------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 9,
        "title": "No power to thermostat after install, display stays blank (no C-wire)",
        "body": """My grandson and I swapped out the old round dial thermostat for the Northwind one. The old one only had two wires, red and white. We connected red to **R** and white to **W**, put the breaker back on, and the screen stays completely dark.

The installation guide mentions a C-wire, which I don't have. Did we do something wrong, or will this thermostat not work in my house? It's a gas furnace from about 2005, heat only, no AC.""",
        "tags": ["installation", "wiring", "c-wire"],
        "answers": [
            {
                "author": 4,
                "body": """You didn't do anything wrong, Walt. With only R and W there is no constant 24V supply, and this model needs one. You have two options:

1. **Power Extender Kit** (comes in the box on newer units): it mounts at the furnace control board and adds a C connection over your existing two wires.
2. Run a new thermostat cable with at least 3 conductors from the furnace to the wall.

Option 1 is usually a 20-minute job. Turn the furnace power switch off before opening the panel.""",
                "comments": [
                    {"author": 9, "body": "Found the little kit in the box under the foam. Screen is on now. Thank you kindly."},
                    {"author": 4, "body": "Glad to hear it! Enjoy the warm house."},
                ],
                "votes": 11,
            },
            {
                "author": 1,
                "body": "There's a step-by-step video for the Power Extender Kit here: https://example.com/support/thermostat/power-extender. If the kit is missing from your box, contact us and we'll ship one free of charge.",
                "comments": [],
                "votes": 5,
            },
        ],
        "accepted": 0,
        "comments": [
            {"author": 0, "body": "Added the c-wire tag so this shows up for people searching for the same problem."},
        ],
        "votes": 7,
    },
    # 5 ------------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 12,
        "title": "Port forwarding for my Minecraft server isn't working",
        "body": """I set up a port forward for my Minecraft server but friends still can't connect from outside. Inside the network it works fine on `192.168.68.20:25565`.

```
Rule name:   minecraft
Protocol:    TCP/UDP
External:    25565
Internal:    192.168.68.20:25565
Status:      Active
```

The WAN address shown in the Mesh app is `10.0.0.12`, which looks weird to me. The server PC firewall allows 25565. What am I missing?""",
        "tags": ["port-forwarding", "setup"],
        "answers": [
            {
                "author": 14,
                "body": """That `10.0.0.12` WAN address is the giveaway: you're behind **double NAT**. Your ISP modem/router is also doing NAT, so your forward on the mesh never sees the traffic.

Fix one of these ways:

1. Put the ISP box in bridge mode (best option), then reboot the mesh router so it gets a public IP.
2. If bridge mode isn't available, set the mesh router as DMZ host on the ISP box.
3. Or forward 25565 on the ISP box to `10.0.0.12` too.

After that, check https://example.com/tools/port-check to confirm the port is open.""",
                "comments": [
                    {"author": 12, "body": "Bridge mode on the ISP box did it. Friends are back in and griefing my base already."},
                ],
                "votes": 10,
            },
            {
                "author": 18,
                "body": "Also worth checking whether your ISP uses CGNAT. If the public IP in a 'what is my IP' site doesn't match the WAN IP on your modem, you'll have to ask them for a public IP.",
                "comments": [],
                "votes": 3,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 5,
    },
    # 6 ------------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 9,
        "title": "Can't log in after changing my email: it says 'account not found'",
        "body": "Last week I changed my email address in the app from my old provider to a new Gmail address. Now when I try to log in with the new address I get \"Account not found\", and the old address says \"Incorrect password\" even though I'm sure it's right. I'm locked out and I'd like to see my usage before the bill comes. What should I do?",
        "tags": ["login", "account"],
        "answers": [
            {
                "author": 1,
                "body": """Sorry about this, Walt. An email change only completes after you click the confirmation link sent to the **new** address. Until then the account still uses the old one.

1. Check the new Gmail inbox, including Spam and Promotions, for a message from Northwind Home
2. Click "Confirm email change"
3. Then log in with the new address and your existing password

If the link has expired, use "Forgot password" with the old address and we'll walk you through it by email.""",
                "comments": [
                    {"author": 9, "body": "It was in the Promotions folder. I'm in now, thank you."},
                ],
                "votes": 6,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 2,
    },
    # 7 ------------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 10,
        "title": "Heat pump aux heat kicks in too early on cold mornings",
        "body": """I have an air-source heat pump with electric strip backup. On mornings below about 35°F the thermostat turns on **aux heat** as soon as the schedule raises the setpoint from 64 to 69. My power bill shows those strips are expensive.

Current settings:

- Equipment: Heat pump, O/B on cool, aux: electric
- Aux heat max outdoor temp: 40°F
- Comfort setting: Early-On enabled
- Firmware 4.2.4

The heat pump alone can keep up down to about 20°F. How do I stop the strips from running?""",
        "tags": ["heat-pump", "hvac", "schedule"],
        "answers": [
            {
                "author": 4,
                "body": """Two settings are working against you:

1. **Aux heat max outdoor temp** at 40°F means the strips are allowed whenever it's below 40. If your heat pump holds up to 20°F, set this to 25°F or so.
2. **Early-On** tries to hit the new setpoint *at* the scheduled time. When it's cold, it calls aux to catch up. Either turn it off or move the schedule change 30-45 minutes earlier and let the heat pump ramp slowly.

You can also set *Aux heat droop* to 3°F so the strips only come on if you're 3 degrees below setpoint.""",
                "comments": [
                    {"author": 10, "body": "Set the lockout to 25°F and turned off Early-On. Aux runtime went from 2.1 h/day to 10 minutes. Great advice."},
                ],
                "votes": 12,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 8,
    },
    # 8 ------------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 14,
        "title": "Custom DNS (Pi-hole) gets ignored by some devices",
        "body": """I set my Pi-hole (`192.168.68.5`) as the DNS server in **Advanced > DNS > Custom**. Laptops use it fine, but my Android phone and the living room TV bypass it completely. Pi-hole query log shows nothing from them.

```
$ nslookup ads.example.net
Server:   192.168.68.1
Address:  192.168.68.1#53
Non-authoritative answer:
Name:     ads.example.net
Address:  203.0.113.44
```

That's from the TV's built-in diagnostic. Why is it still asking the router instead of the Pi-hole?""",
        "tags": ["dns", "privacy"],
        "answers": [
            {
                "author": 3,
                "body": """A few things commonly cause this:

- The Custom DNS setting changes what the **router** forwards to, but DHCP still hands out `192.168.68.1` as the DNS server. Turn on *Advertise custom DNS to clients* (firmware 3.0+) so clients talk to the Pi-hole directly.
- Android has **Private DNS** (DNS-over-TLS) which skips your local DNS. Settings > Network > Private DNS > Off.
- IPv6: if the router advertises itself as an IPv6 DNS server via RA, devices may prefer it. Either disable IPv6 or give the Pi-hole an IPv6 address and set that too.

Then renew the DHCP lease on each device.""",
                "comments": [
                    {"author": 14, "body": "It was the IPv6 RA. Added the Pi-hole's ULA address and everything shows up in the log now."},
                ],
                "votes": 8,
            },
            {
                "author": 19,
                "body": "Some smart TVs hardcode 8.8.8.8 too. If you want to catch those, you need a firewall rule that redirects outbound port 53, which the mesh app doesn't support yet.",
                "comments": [],
                "votes": 4,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 6,
    },
    # 9 ------------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 16,
        "title": "Energy report shows zero usage for the first week of March",
        "body": """My monthly energy report shows 0 kWh for March 1-7, then normal numbers from the 8th onwards. We were definitely home and running the heat. From the daily CSV export:

```
date,kwh,estimated
2024-03-06,0.000,false
2024-03-07,0.000,false
2024-03-08,38.214,false
```

Is this a problem with the meter, the app, or my utility? Can the missing days be filled in, or will my March total stay wrong forever?""",
        "tags": ["energy-report"],
        "answers": [
            {
                "author": 1,
                "body": "Gaps like this usually come from the utility's smart meter data feed rather than your meter. Several utilities had a delay in early March. The app backfills missing days automatically once the utility sends them, usually within 10 days. If it's still empty after that, open Settings > Help > Report a data problem and we'll request the data manually.",
                "comments": [],
                "votes": 3,
            },
            {
                "author": 10,
                "body": "Same here with the same utility. Mine filled in on the 14th, so give it a few more days.",
                "comments": [
                    {"author": 16, "body": "Thanks, good to know it's not just me."},
                ],
                "votes": 2,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 10 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 3,
        "title": "Can I read the current temperature via the local API without the cloud?",
        "body": """I want Home Assistant to read the thermostat over the LAN, without going through the cloud. The thermostat answers on port 8080, but I get a 401:

```
$ curl http://192.168.1.41:8080/api/v1/status
{"error": "unauthorized", "hint": "local api disabled"}
```

Firmware is 4.2.4. Is there a supported local API, and where do I get a token? I couldn't find anything in the docs at https://example.com/developers.""",
        "tags": ["api", "privacy"],
        "answers": [
            {
                "author": 14,
                "body": """Yes, there's a local API, it's just off by default. On the thermostat itself (not the app):

1. Settings > Advanced > Developer
2. Turn on *Local API*
3. Note the token it shows (you can regenerate it there)

Then:

```
curl -H "Authorization: Bearer <token>" \\
     http://192.168.1.41:8080/api/v1/status
```

Read-only endpoints work without the cloud. Changing setpoints locally needs firmware 4.3+.""",
                "comments": [
                    {"author": 3, "body": "Works perfectly, thanks. Now I'll wait for 4.3 for the write endpoints."},
                ],
                "votes": 9,
            },
        ],
        "accepted": 0,
        "comments": [
            {"author": 1, "body": "We're adding the local API to the developer docs this month. Thanks for pointing out the gap."},
        ],
        "votes": 7,
    },
    # 11 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 7,
        "title": "Parental controls schedule doesn't block my son's phone",
        "body": """I created a "School nights" schedule that should pause internet for my son's profile. It works for his laptop, but his phone keeps working all night.

```
Profile:   Leo
Schedule:  School nights, Sun-Thu 22:00-06:30
Devices:   Leo-laptop (online), Leo-phone (offline)
```

- The phone is an Android, assigned to his profile
- The profile shows the phone as "offline" even when he's clearly using it
- Router firmware 3.0.2

Did he find a way around it or am I doing something wrong?""",
        "tags": ["parental-controls", "android"],
        "answers": [
            {
                "author": 2,
                "body": """Most likely the phone is using a **randomized (private) MAC address**. The router sees it as a new device every so often, so the one in his profile looks "offline".

On the phone: Settings > Network & internet > Wi-Fi > your network > Privacy > *Use device MAC*. Then in the Mesh app, assign the device that shows up to his profile again and delete the old entry.

Newer firmware (3.1) can also block unknown devices during a schedule, which stops this trick.""",
                "comments": [
                    {"author": 7, "body": "That was it. His phone had a random MAC and he knew exactly what he was doing. Schedule works now."},
                ],
                "votes": 11,
            },
        ],
        "accepted": 0,
        "comments": [
            {"author": 15, "body": "Teenagers are resourceful. Good luck!"},
        ],
        "votes": 5,
    },
    # 12 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 11,
        "title": "High usage notifications never arrive on Android 14",
        "body": "I set a daily alert for usage above 25 kWh. Yesterday we hit 31 kWh and I got nothing. Other notifications from the app (bill ready) do arrive. Phone is a Pixel 8 on Android 14, app version 6.2.3. Notifications are enabled for the app in system settings. Is the alert broken or am I missing a setting?",
        "tags": ["notifications", "android"],
        "answers": [
            {
                "author": 15,
                "body": """Android splits app notifications into channels. The usage alerts use a different channel from billing. Check:

1. Settings > Apps > Northwind Energy > Notifications > make sure *Usage alerts* is on
2. Settings > Apps > Northwind Energy > App battery usage > set to *Unrestricted*

The alerts are computed in the background, so battery optimization can delay them until you open the app.""",
                "comments": [
                    {"author": 11, "body": "The Usage alerts channel was switched off. No idea how. Got today's alert on time."},
                ],
                "votes": 6,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 13 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 11,
        "title": "Alexa says 'device is unresponsive' but the app controls the thermostat fine",
        "body": """Since last weekend, when I ask Alexa to set the thermostat to 70, she says "Hallway thermostat is not responding". The Northwind app works instantly and the thermostat is online.

I removed the device in the Alexa app and ran discovery again. It finds the thermostat, but the error comes back after a few hours. The Alexa activity log shows:

```
Device: Hallway thermostat
Request: SetTargetTemperature 70F
Response: ENDPOINT_UNREACHABLE
```

Firmware 4.3.0.""",
        "tags": ["alexa", "wifi", "firmware"],
        "answers": [
            {
                "author": 15,
                "body": "Try disabling the Northwind skill completely in the Alexa app (not just removing the device), then enable it again and re-link your account. That refreshes the token that Alexa uses. It helped me with a different brand of thermostat.",
                "comments": [
                    {"author": 11, "body": "Tried that, it worked for about a day and then broke again."},
                ],
                "votes": 2,
            },
            {
                "author": 1,
                "body": "This is a known issue in firmware 4.3.0: the thermostat stops sending state updates to Alexa after the token refresh. Firmware **4.3.2** fixes it and is rolling out now. You can force the update from Settings > About > Check for updates. Sorry for the trouble!",
                "comments": [
                    {"author": 11, "body": "Updated to 4.3.2 and it's been fine for three days. Thanks Sam."},
                ],
                "votes": 8,
            },
        ],
        "accepted": 1,
        "comments": [],
        "votes": 4,
    },
    # 14 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 5,
        "title": "Speeds drop to 50 Mbps on a gigabit plan when connected through the mesh",
        "body": """Wired directly to the ISP modem I get ~940 Mbps. Through the mesh router, even on Ethernet, I get about 50. On Wi-Fi next to the router it's roughly the same.

```
Speedtest by Ookla
   Download:    52.31 Mbps
     Upload:    48.90 Mbps
    Latency:    11.02 ms
```

Router firmware 3.0.4. I've rebooted everything. What could be capping it at almost exactly 50?""",
        "tags": ["speed", "mesh"],
        "answers": [
            {
                "author": 1,
                "body": "A flat cap like that is almost always **QoS / Smart Queue** with a bandwidth limit set too low. Check Advanced > QoS: if it's on, either turn it off or set the download and upload limits to about 90% of your plan (850 / 850 for gigabit). Also make sure the WAN port negotiated at 1 Gbps under Advanced > Ports.",
                "comments": [],
                "votes": 7,
            },
            {
                "author": 19,
                "body": "Also check your cable between modem and router. A cable with one broken pair will drop to 100 Mbps link speed, and you'd see roughly 90 on a speed test. 50 points to QoS more, though.",
                "comments": [
                    {"author": 5, "body": "QoS was set to 50/50 from when I had my old plan. Feel a bit silly now. 910 Mbps!"},
                ],
                "votes": 3,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 4,
    },
    # 15 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 19,
        "title": "How does the app calculate cost per appliance? Seems like guesswork",
        "body": "The app says my fridge cost $14.20 last month and \"always on\" devices $22. I don't have any smart plugs, just the main meter. How can it know what the fridge used? I'd like to understand the method before I trust it, and I'd also like to know if this analysis happens on my phone or on your servers.",
        "tags": ["energy-report", "privacy"],
        "answers": [
            {
                "author": 16,
                "body": "It's called load disaggregation. The meter data has enough resolution (15 minute or better) to spot repeating patterns: a fridge compressor has a very recognizable on/off cycle. It's an estimate, but in my tests against a plug meter it was within about 15% for the fridge and dryer.",
                "comments": [],
                "votes": 5,
            },
            {
                "author": 1,
                "body": "Anil's description is right. The model runs on our servers using your meter data only, it is not shared with third parties. You can improve accuracy by confirming or correcting appliances under Insights > My appliances, and turn the feature off entirely in Settings > Privacy > Appliance insights.",
                "comments": [
                    {"author": 19, "body": "Appreciate the straight answer. I'd love an on-device option someday."},
                ],
                "votes": 4,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 16 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 18,
        "title": "Firmware update stuck at 63% for over an hour",
        "body": """The thermostat started updating on its own this morning and has been sitting at 63% for an hour and a half. The screen says "Installing update, do not remove" and the heat isn't running.

Last lines from the update log in the app:

```
09:14:02 download complete 4.3.2 (18.4 MB)
09:14:05 verifying image ... ok
09:14:31 writing partition B 63%
09:14:31 wifi: rssi -79 dBm
```

Is it safe to pull it off the wall plate? I'm worried about bricking it.""",
        "tags": ["firmware", "wifi"],
        "answers": [
            {
                "author": 1,
                "body": """Yes, it's safe. The thermostat writes the update to a second partition and only switches over when it's fully verified, so a power cycle can't brick it.

1. Pull the thermostat off the base, wait 10 seconds, push it back on
2. It will boot your previous firmware
3. The update retries automatically within an hour

The -79 dBm signal is weak, which is probably why it stalled. If it happens again, try moving your router or a mesh node closer.""",
                "comments": [
                    {"author": 18, "body": "Rebooted it and it came back on 4.2.4, then the second try finished in 5 minutes. Thanks."},
                ],
                "votes": 7,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 3,
    },
    # 17 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 13,
        "title": "How do I set up wired (Ethernet) backhaul between nodes?",
        "body": "We're renovating and I have the walls open, so I'm running Cat6 to the office and the upstairs bedroom. I'd like the two satellites to use the cable instead of Wi-Fi for backhaul. Do I need a switch, which port on the satellite do I use, and is there anything to enable in the app? Also: can I daisy chain satellite to satellite? The quick start at https://example.com/support/mesh/quick-start only covers wireless setup.",
        "tags": ["mesh", "setup", "installation"],
        "answers": [
            {
                "author": 14,
                "body": """Easy setup, and Cat6 is a great call.

1. Run each cable back to the router's LAN port (or a switch plugged into it). Unmanaged switches are fine.
2. On each satellite, use **either** Ethernet port; they auto-detect the uplink.
3. Reboot the satellite. In the app, the node's detail page should say *Backhaul: Wired*.

Daisy chaining works too (router > satellite A > satellite B), but a star layout through a switch gives more consistent speeds. Nothing to enable in the app.""",
                "comments": [
                    {"author": 13, "body": "Perfect, I'll put a small switch in the utility closet."},
                ],
                "votes": 8,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 5,
    },
    # 18 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 15,
        "title": "Face ID login stopped working after iOS 17.4 update",
        "body": "Since updating my iPhone 14 to iOS 17.4, the Energy app asks for my password every single time. The Face ID toggle in the app's security settings is on, and Face ID works in every other app. App version 6.2.0. Minor thing, but my password is long and typing it on my phone is annoying.",
        "tags": ["ios", "login"],
        "answers": [
            {
                "author": 6,
                "body": "I had the same thing. Turning the Face ID toggle in the app **off and on again** fixed it for me, it asks for Face ID permission again. Also check iPhone Settings > Face ID & Passcode > Other Apps and make sure Northwind Energy is enabled.",
                "comments": [
                    {"author": 15, "body": "The toggle off/on worked, thanks!"},
                ],
                "votes": 5,
            },
            {
                "author": 1,
                "body": "Confirmed bug: iOS 17.4 invalidates the keychain item we used for Face ID. App version 6.2.1 handles this automatically, so updating also works.",
                "comments": [],
                "votes": 3,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 19 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 17,
        "title": "Schedule ignores weekend settings since the daylight saving change",
        "body": """Since clocks went forward on Sunday, my weekday schedule runs on Saturday and Sunday too. The weekend schedule is still there in the app and looks correct. In my B&B this means the guest rooms get cold at 8am on weekends when guests are still sleeping.

- Two thermostats, both firmware 4.2.4
- Time zone set to Europe/Sofia
- Both show the right time on the screen

I've re-saved the schedule but it made no difference.""",
        "tags": ["schedule", "firmware"],
        "answers": [
            {
                "author": 8,
                "body": "Not sure if it's the same thing, but mine did something similar after the DST change last autumn. What fixed it was setting the time zone to something else, saving, and then setting it back to the correct one. It seems to rebuild the schedule calendar.",
                "comments": [
                    {"author": 17, "body": "I'll try this tonight and report back."},
                ],
                "votes": 2,
            },
        ],
        "accepted": None,
        "comments": [
            {"author": 1, "body": "Thanks for the details. We're looking into a DST issue with non-US time zones on 4.2.4. I'll update this thread when we know more."},
        ],
        "votes": 4,
    },
    # 20 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 17,
        "title": "Smart plugs won't join the network after mesh setup",
        "body": "I replaced my old router with Northwind Mesh and gave it the same network name and password. Laptops and phones reconnected fine, but none of my six smart plugs will reconnect. Their setup apps say \"network not found\" or time out. They worked perfectly on the old router. Do I need to reset all of them?",
        "tags": ["wifi", "setup"],
        "answers": [
            {
                "author": 14,
                "body": """Most cheap smart plugs are **2.4 GHz only** and get confused when one network name covers both bands. The mesh can create a dedicated network for them:

1. Mesh app > Wi-Fi > *IoT network* > turn on
2. Give it a name, e.g. `petrova-iot`, and a password
3. It's 2.4 GHz only, WPA2, no band steering
4. Point the plugs at that network in their apps

You'll probably have to reset each plug to get it back into pairing mode, sadly.""",
                "comments": [
                    {"author": 17, "body": "Took half an hour but all six are back. Thank you!"},
                ],
                "votes": 9,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 4,
    },
    # 21 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 10,
        "title": "Time-of-use rates: how do I enter peak and off-peak pricing?",
        "body": "My utility just moved me to a time-of-use plan: peak 4pm-9pm weekdays at $0.38/kWh, off-peak the rest of the time at $0.14, and a super off-peak overnight rate of $0.09 from midnight to 6am. The Custom rate option in the app only seems to accept a single price. Is there a way to enter all three periods?",
        "tags": ["billing", "schedule"],
        "answers": [
            {
                "author": 16,
                "body": """The Custom option has a hidden toggle. Under Settings > Rate plan > Custom, scroll down and switch on **Time-of-use**. Then add periods like:

```
super-off-peak  00:00-06:00  all days   0.09
peak            16:00-21:00  Mon-Fri    0.38
off-peak        (everything else)       0.14
```

The app fills gaps with the default rate, so you only need to add the first two.""",
                "comments": [
                    {"author": 10, "body": "Found it. Odd place for such an important switch, but it works."},
                ],
                "votes": 6,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 22 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 13,
        "title": "Which wire goes to which terminal? Old thermostat had R, W, Y, G and a loose blue wire",
        "body": """I'm replacing an old Honeywell. The labels on the old base were:

- Red on **R**
- White on **W**
- Yellow on **Y**
- Green on **G**
- A blue wire folded back into the wall, not connected to anything

Gas furnace plus central AC. Should the blue wire go to C on the Northwind base, and is it safe to just connect it?""",
        "tags": ["wiring", "installation", "c-wire"],
        "answers": [
            {
                "author": 4,
                "body": """Good chance the blue one is your C wire, but check the furnace end before you connect it:

1. Turn off power to the furnace
2. Open the furnace panel and find the control board's thermostat terminals
3. If the blue wire is on **C** (sometimes marked COM or 24V COM), you're good. If it's tucked away there too, connect it to C on the board
4. Connect R, W, Y, G to the matching terminals on the Northwind base and blue to C

Don't connect it if it goes anywhere other than C at the furnace.""",
                "comments": [
                    {"author": 13, "body": "It was tucked behind the board, not connected. Hooked it to C at both ends and everything works."},
                ],
                "votes": 10,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 6,
    },
    # 23 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 3,
        "title": "Router firmware 3.1.0 broke my IPsec VPN to the office",
        "body": """After the router auto-updated to 3.1.0 last night, my work VPN (IPsec/IKEv2) connects but no traffic passes. On the hotspot from my phone it works fine, so it's the router.

```
[IKE] initiating IKE_SA work[1] to 198.51.100.10
[IKE] IKE_SA work[1] established
[IKE] CHILD_SA work{1} established
[NET] no response from 10.20.0.1, retransmit 1 of 5
[NET] no response from 10.20.0.1, retransmit 5 of 5
```

VPN passthrough is enabled in Advanced > Security. Is there a way to roll back to 3.0.4?""",
        "tags": ["firmware", "vpn"],
        "answers": [],
        "accepted": None,
        "comments": [
            {"author": 0, "body": "We've had a few similar reports this week. I've flagged this thread to the support team."},
            {"author": 12, "body": "Same here with WireGuard. Connects, then nothing."},
        ],
        "votes": 8,
    },
    # 24 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 7,
        "title": "Can I add my partner to the account without sharing my password?",
        "body": "My husband wants to see our usage and get the bill notifications on his phone. Right now we're both logged in with my account, which means he can also change my payment details. Is there a way to give him his own login with limited permissions?",
        "tags": ["account", "privacy"],
        "answers": [
            {
                "author": 2,
                "body": """Yes, use **Household** invites:

1. Settings > Household > Invite member
2. Enter his email and choose a role: *Viewer* (usage and reports only) or *Manager* (can also change rate plans and alerts)
3. He installs the app and creates his own login from the invite link

Only the account owner can see or change payment details.""",
                "comments": [
                    {"author": 7, "body": "Perfect, thanks! He's a Viewer now."},
                ],
                "votes": 7,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 4,
    },
    # 25 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 16,
        "title": "Humidity reading is about 10% higher than my standalone hygrometer",
        "body": "The thermostat reports 52% humidity while two separate hygrometers in the same hallway both read 41-43%. I did a salt test on one of them and it read 75% as expected, so I trust it. Temperature matches within 0.5°F. Is there a way to calibrate the humidity sensor, or is the thermostat faulty? This matters because I use it to control a humidifier.",
        "tags": ["hvac", "sensors"],
        "answers": [
            {
                "author": 4,
                "body": "There's an offset setting: Settings > Sensors > Humidity > Offset, adjustable from -10% to +10%. Note the thermostat sits on an exterior or interior wall and can pick up moisture from inside the wall cavity, so also make sure the hole behind the base is sealed with a bit of putty.",
                "comments": [
                    {"author": 16, "body": "The hole behind the base was wide open. Sealed it and the reading dropped to 45%. Set a -3% offset and it matches now."},
                ],
                "votes": 6,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 26 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 9,
        "title": "How do I give my printer a fixed IP address?",
        "body": "My printer keeps getting a new address, and every few weeks my computer can't find it. My grandson said I should \"reserve an IP\" for it on the router, but I don't see that anywhere in the Mesh app. I'm using an iPad to manage the router. Can someone explain it step by step?",
        "tags": ["setup"],
        "answers": [
            {
                "author": 6,
                "body": """Sure, Walt. In the Mesh app on your iPad:

1. Tap **Devices** at the bottom
2. Find your printer in the list and tap it
3. Tap **Advanced** (near the bottom)
4. Turn on **Reserve IP address**
5. Tap Save

Then turn the printer off and on once. It will keep the same address from now on. You might need to remove and re-add the printer on your computer one last time.""",
                "comments": [
                    {"author": 9, "body": "Thank you, worked first time. Printed a photo of the grandkids to celebrate."},
                ],
                "votes": 8,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 27 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 3,
        "title": "API rate limit: getting 429 when polling usage every minute",
        "body": """I'm pulling usage into Grafana with a small script that calls the usage endpoint once a minute. After about an hour I start getting:

```
HTTP/1.1 429 Too Many Requests
Retry-After: 1740
X-RateLimit-Limit: 60
X-RateLimit-Remaining: 0
```

Is 60 per hour the real limit? Meter data only updates every 15 minutes anyway, but I'd like to know the intended way to do this.""",
        "tags": ["api"],
        "answers": [
            {
                "author": 1,
                "body": "Yes, personal API tokens are limited to 60 requests per hour. Since meter intervals arrive every 15 minutes at best, we recommend either polling every 15 minutes, or registering a **webhook** under Developer settings > Webhooks to get a `usage.interval.created` event as soon as new data lands. Docs: https://example.com/developers/webhooks",
                "comments": [
                    {"author": 3, "body": "Switched to the webhook, much cleaner. Thanks."},
                ],
                "votes": 7,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 5,
    },
    # 28 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 15,
        "title": "Google Home routines can change the mode but not the temperature",
        "body": "I made a Google Home bedtime routine: \"Set the thermostat to 66 degrees\". It switches the thermostat to Heat mode but leaves the temperature where it was. Saying the same thing directly to the speaker works fine. Only inside a routine does it fail. Is this a Google issue or a Northwind issue?",
        "tags": ["google-home"],
        "answers": [
            {
                "author": 19,
                "body": "I think it's on Google's side. Routines send the commands in parallel, and if \"set mode\" lands after \"set temperature\" the temperature is reset to the mode's default. Workaround: remove the mode action from the routine and only keep \"set the thermostat to 66\". If it's already in Heat mode, that's all you need.",
                "comments": [
                    {"author": 15, "body": "Removing the mode step helped. A bit hacky, but it works."},
                ],
                "votes": 4,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 29 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 19,
        "title": "Guest network can see devices on my main network",
        "body": """I enabled the guest network for visitors, but from a test laptop on the guest network I can see my NAS in the file browser and reach the printer's web page. From the guest laptop:

```
$ ping -c 2 192.168.68.30
64 bytes from 192.168.68.30: icmp_seq=1 ttl=64 time=3.1 ms
64 bytes from 192.168.68.30: icmp_seq=2 ttl=64 time=2.8 ms
```

I thought the whole point of a guest network was isolation. Firmware 2.8.1. Is this expected?""",
        "tags": ["privacy", "wifi"],
        "answers": [
            {
                "author": 1,
                "body": "It shouldn't be. Firmware 2.8.x has a bug where isolation isn't applied to satellites connected over wired backhaul. Please update to 3.0.4 or later (Settings > Firmware), and double-check that *Guest isolation* is on under Wi-Fi > Guest network > Advanced. Thanks for reporting it.",
                "comments": [
                    {"author": 19, "body": "On 3.0.4 now, the NAS is no longer reachable from guest. Good."},
                ],
                "votes": 5,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 6,
    },
    # 30 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 8,
        "title": "App crashes on launch after update 6.3.0 (Pixel 7)",
        "body": """Since the 6.3.0 update, the app shows the splash screen for a second and then closes. I already restarted my phone and cleared the cache. Android 14, Pixel 7. Logcat shows:

```
E AndroidRuntime: FATAL EXCEPTION: main
E AndroidRuntime: java.lang.IllegalStateException: widget config missing
E AndroidRuntime:   at com.northwind.energy.widget.UsageWidget.onUpdate
```

I do have the usage widget on my home screen, if that matters.""",
        "tags": ["android"],
        "answers": [
            {
                "author": 1,
                "body": "Thanks for the logcat, that pinpoints it. 6.3.0 crashes when an older home screen widget is present. Remove the widget from your home screen and the app will start again. Version 6.3.1 with the fix is in review and should reach the Play Store within a day.",
                "comments": [
                    {"author": 8, "body": "Removed the widget and it opens now. Will re-add it after 6.3.1."},
                ],
                "votes": 6,
            },
        ],
        "accepted": 0,
        "comments": [
            {"author": 18, "body": "Same crash on a Galaxy S22."},
        ],
        "votes": 5,
    },
    # 31 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 6,
        "title": "Is it normal for the thermostat to click every few minutes?",
        "body": "New homeowner here. The thermostat makes a soft click and the furnace starts, then 3-4 minutes later it clicks again and the furnace stops. This repeats all evening. The house stays warm, but it seems like a lot of starting and stopping. Is this how it's supposed to work?",
        "tags": ["hvac"],
        "answers": [
            {
                "author": 4,
                "body": """The click is normal, that's the relay. But 3-4 minute cycles are short for a furnace, which is hard on the equipment. Check:

1. Settings > Equipment > Heating > *Cycles per hour*. Set it to 3 (the default for gas furnaces). If it says 6 or more, that's your problem.
2. Make sure the thermostat isn't near a heat register or in direct sun.
3. Change the furnace filter if it hasn't been done in a while.

If cycles are still short after that, get the furnace checked for overheating.""",
                "comments": [
                    {"author": 6, "body": "It was set to 6 cycles per hour. Changed to 3, now it runs about 10 minutes at a time."},
                ],
                "votes": 8,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 32 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 11,
        "title": "Zoom calls stutter every 10 minutes on Wi-Fi but not on Ethernet",
        "body": "During video calls my audio and video freeze for 2-3 seconds, roughly every 10 minutes. On Ethernet it never happens. My laptop is in the same room as a satellite with a strong signal. I noticed the Mesh app says \"Channel optimization: Automatic\". Could that be related?",
        "tags": ["speed", "wifi"],
        "answers": [
            {
                "author": 5,
                "body": "I had exactly this. Automatic channel optimization can hop channels during the day, and every switch drops clients for a second or two. Set it to *Nightly only* (Wi-Fi > Advanced > Channel optimization). Also turning off band steering for the laptop helped because it was bouncing between 2.4 and 5 GHz.",
                "comments": [
                    {"author": 11, "body": "Nightly only fixed it. Two days of calls without a single freeze."},
                ],
                "votes": 9,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 5,
    },
    # 33 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 17,
        "title": "Charged twice for my March bill through the app",
        "body": "I paid my March bill in the app on the 2nd and now my bank shows two charges of the same amount from Northwind Energy on the same day. The app only shows one payment in the history. I have a small business and this matters for my bookkeeping. How do I get the second charge refunded?",
        "tags": ["billing", "account"],
        "answers": [
            {
                "author": 1,
                "body": """Sorry for the worry. Often the second line is a **pending authorization** that drops off within 3-5 business days without ever being charged. If it's still there after that:

1. Go to Settings > Help > Billing support
2. Choose *Duplicate payment*
3. Attach a screenshot of your bank statement (hide your card number)

We'll refund any real duplicate within 5 business days. Please don't post account or card numbers in the community.""",
                "comments": [
                    {"author": 17, "body": "One of them disappeared on Friday. Thank you for explaining."},
                ],
                "votes": 5,
            },
        ],
        "accepted": None,
        "comments": [
            {"author": 0, "body": "I removed the last four digits of your card from the post for your safety."},
        ],
        "votes": 1,
    },
    # 34 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 14,
        "title": "Room sensors drop offline every night around 2am",
        "body": """I have three Northwind room sensors. Every night around 2am, two of them go offline for 20-40 minutes and the thermostat falls back to its own sensor. Batteries are new. Diagnostics log:

```
02:03:11 sensor[bedroom] last seen 612s ago -> offline
02:03:11 sensor[office]  last seen 598s ago -> offline
02:03:12 using internal sensor for average
02:38:47 sensor[bedroom] online rssi -71
02:39:02 sensor[office]  online rssi -68
```

Firmware 4.2.4. Nothing else runs on my network at 2am as far as I know.""",
        "tags": ["sensors", "firmware", "wifi"],
        "answers": [],
        "accepted": None,
        "comments": [
            {"author": 1, "body": "Could you send us the diagnostics ID from Settings > About? I'd like the team to look at the sensor logs."},
            {"author": 14, "body": "Sent it through the support form, ID ends in 7F3A."},
        ],
        "votes": 4,
    },
    # 35 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 6,
        "title": "Can I use the mesh nodes as access points behind my existing router?",
        "body": "My ISP router does a lot of things I need (VoIP phone line, IPTV), so I don't want to replace it. Can I plug the Northwind Mesh into it and just use it for Wi-Fi coverage, without a second layer of NAT? What do I lose if I do that?",
        "tags": ["mesh", "setup"],
        "answers": [
            {
                "author": 14,
                "body": """Yes, that's **Bridge mode**: Settings > Advanced > Network mode > Bridge. The main node then passes everything through to your ISP router, which keeps doing DHCP and NAT.

What you lose in bridge mode:

- Parental controls and device profiles
- QoS and port forwarding (do those on the ISP router)
- Guest network isolation

Mesh roaming, wired backhaul and the IoT network still work.""",
                "comments": [],
                "votes": 6,
            },
        ],
        "accepted": 0,
        "comments": [
            {"author": 6, "body": "Switched to bridge mode, phone line and TV still work. Thanks Hank."},
        ],
        "votes": 3,
    },
    # 36 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 6,
        "title": "Does the energy app show how much my thermostat's heating costs?",
        "body": "I have both the Northwind Thermostat and the Energy App. The app shows total usage, but I'd like to know how much of it is the furnace blower and AC. Is there a way to connect the two so I can see HVAC cost separately? Both are on the same Northwind account.",
        "tags": ["hvac", "energy-report"],
        "answers": [
            {
                "author": 10,
                "body": "Yes. In the Energy App, go to Settings > Connected devices > Add > Northwind Thermostat. After a day you get an **HVAC** category in Insights that uses the thermostat's actual runtime instead of guessing. It's a lot more accurate than the appliance estimate, at least for my heat pump.",
                "comments": [
                    {"author": 6, "body": "Connected, and the HVAC card showed up the next morning. Very cool."},
                ],
                "votes": 5,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 37 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 5,
        "title": "Two thermostats in one house: can they share one schedule?",
        "body": "We have an upstairs and a downstairs thermostat. Every time I change the schedule I have to do it twice, and I usually forget one. Is there a way to link them so they follow the same schedule, but maybe with a 1-2 degree offset for upstairs?",
        "tags": ["schedule", "setup"],
        "answers": [
            {
                "author": 2,
                "body": "Yes, use **Zones**. In the app: Home > Zones > Create zone group, add both thermostats, and choose *Shared schedule*. Each thermostat then gets an \"offset\" slider, so upstairs can run 2 degrees cooler. Changes to the shared schedule apply to both.",
                "comments": [
                    {"author": 5, "body": "Didn't know Zones existed. This is exactly what I wanted."},
                ],
                "votes": 6,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 38 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 2,
        "title": "Pause internet button is gone from the app after the update",
        "body": "I used to have a big \"Pause\" button on each kid's profile in the Mesh app. After updating the app to 5.0 on my iPhone, I can't find it anywhere. Dinner time is not the same without it. Has the feature been removed?",
        "tags": ["parental-controls", "ios"],
        "answers": [
            {
                "author": 7,
                "body": "It moved! In 5.0 there's a new **Family** tab at the bottom. Tap a profile and the pause button is at the top right (the little pause icon). You can also long-press the profile card to pause everyone at once.",
                "comments": [
                    {"author": 2, "body": "Found it, thank you. Dinner is saved."},
                ],
                "votes": 7,
            },
            {
                "author": 1,
                "body": "Nadia's answer is correct. We're also bringing back a pause shortcut on the home screen in 5.1, based on feedback like this.",
                "comments": [],
                "votes": 3,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 4,
    },
    # 39 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 13,
        "title": "Solar export isn't subtracted from my net usage",
        "body": """We installed rooftop solar in April. The app shows our consumption going up, which makes no sense. On sunny days we export 15-20 kWh, but the app's daily total still looks like we bought everything from the grid:

```
Day      App usage   Inverter export
May 12   31.4 kWh    18.2 kWh
May 13   29.9 kWh    16.7 kWh
```

My utility's bill does show the credit. Is there a setting for solar households?""",
        "tags": ["energy-report", "billing", "solar"],
        "answers": [
            {
                "author": 10,
                "body": "Go to Settings > Home profile > Energy sources and add *Solar*. Once it's set, the app reads the export channel from the meter and shows net usage plus a separate production chart. Older days get recalculated too, but it can take a day.",
                "comments": [
                    {"author": 13, "body": "Done. The charts look right for May now, April is still recalculating."},
                ],
                "votes": 4,
            },
            {
                "author": 16,
                "body": "Note that if your meter only reports net usage (not import and export separately), the app can't show production. Check if the meter model in Settings > Meter says \"bidirectional\".",
                "comments": [],
                "votes": 2,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 40 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 12,
        "title": "Thermostat shows 'E74 low power' even though it's wired",
        "body": """Every couple of days my thermostat shows **E74: Low power** and the Wi-Fi disconnects. It's wired with R, W, Y and G, no C. It worked fine for the first month. From Settings > About > Power:

```
Battery:  3.41 V (low)
Rh-W:     0.00 V
Rc-Y:     27.9 V
C:        not detected
```

What I tried:

- Reseating it on the base
- Rebooting the router
- Turning off the display's "always on" mode

Is this a faulty unit?""",
        "tags": ["wiring", "c-wire"],
        "answers": [
            {
                "author": 4,
                "body": "Not faulty. Without a C wire, the thermostat \"steals\" power through the heating or cooling wires while they're idle. In mild weather the system barely runs, and in cooling season the Y circuit behaves differently, so the battery drains faster. E74 is the result. Add a C wire or use the Power Extender Kit and the error will go away for good.",
                "comments": [
                    {"author": 12, "body": "Installed the extender kit yesterday. No E74 since."},
                ],
                "votes": 7,
            },
            {
                "author": 1,
                "body": "Tom's explanation is spot on. For reference, the list of error codes is at https://example.com/support/thermostat/error-codes. E74 is always power-related.",
                "comments": [],
                "votes": 3,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 4,
    },
    # 41 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 18,
        "title": "PS5 shows NAT type Strict even with UPnP enabled",
        "body": "My PS5 says NAT Type 3 (strict) and I can't join friends' parties in some games. UPnP is enabled in the Mesh app under Advanced > UPnP. The PS5 is wired to a satellite node. My ISP modem is in bridge mode, the mesh has a public IP. What else can I try?",
        "tags": ["port-forwarding"],
        "answers": [
            {
                "author": 12,
                "body": """Had the same thing. Two steps fixed it for me:

1. Reserve an IP for the PS5 (Devices > PS5 > Advanced > Reserve IP)
2. Add port forwards to that IP:

```
TCP: 80, 443, 3478, 3479, 3480
UDP: 3074, 3478, 3479
```

Then restart the PS5 and run the connection test. UPnP on the mesh sometimes doesn't register mappings from devices behind satellites, so manual forwards are more reliable.""",
                "comments": [
                    {"author": 18, "body": "NAT Type 2 now. Party chat works. Thank you!"},
                ],
                "votes": 8,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 3,
    },
    # 42 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 12,
        "title": "Two-factor authentication codes arrive after they've already expired",
        "body": "When I log in on a new device, the SMS code takes 3-5 minutes to arrive, and by then it's expired (the app says codes are valid for 2 minutes). I've tried about ten times. My carrier is a small MVNO. Is there another way to do 2FA?",
        "tags": ["login", "account"],
        "answers": [
            {
                "author": 19,
                "body": "Switch to an authenticator app, it's much more reliable and more secure than SMS anyway. On a device where you're logged in: Settings > Security > Two-factor > Authenticator app, scan the QR code with any TOTP app. After that you can turn SMS off completely.",
                "comments": [],
                "votes": 5,
            },
            {
                "author": 1,
                "body": "Thanks for reporting. Some smaller carriers delay our SMS provider's messages. If you're locked out of all devices, contact support and we'll verify you another way and enable the authenticator option for you.",
                "comments": [],
                "votes": 2,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 43 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 7,
        "title": "Away mode turns on while we're still at home",
        "body": "A few times a week the thermostat switches to Away in the afternoon while my kids are home from school. My husband and I are both at work, so I guess it thinks the house is empty. The kids have phones but no Northwind accounts. How do I make it notice that someone is home?",
        "tags": ["schedule", "ios", "android"],
        "answers": [
            {
                "author": 2,
                "body": """I had the same problem with my teenagers. Two options:

1. Add the kids to the Household in the app (they need their own login) and turn on *Use this phone for Home/Away* on their phones. Location needs to be set to "Always" on iPhone.
2. Or turn off phone-based presence and rely on motion only: Settings > Home/Away > Use motion sensors.

We use option 1, it works well once the location permission is right.""",
                "comments": [
                    {"author": 7, "body": "Added both kids. No more cold afternoons, thanks Maria!"},
                ],
                "votes": 6,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 44 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 5,
        "title": "What does the mesh router log about my browsing?",
        "body": "The Mesh app shows a \"Top sites\" list for each device. That means the router sees every domain we visit. Where is that stored, for how long, and who at Northwind can see it? I work with client data at home, so I need to know before I keep using this.",
        "tags": ["privacy"],
        "answers": [
            {
                "author": 1,
                "body": """Good question, and you can switch it off.

- Top sites is built from DNS requests and is only enabled when *Insights* is on
- Data is kept for 30 days, encrypted, and linked to your router, not sold or shared
- Support staff can't see it unless you explicitly share a diagnostics report

To turn it off: Settings > Privacy > Insights > Off. Existing data is deleted within 24 hours. Full details: https://example.com/privacy/mesh""",
                "comments": [
                    {"author": 5, "body": "Turned Insights off. Thanks for the clear answer."},
                ],
                "votes": 9,
            },
        ],
        "accepted": 0,
        "comments": [
            {"author": 19, "body": "Upvoted. Everyone should read this thread."},
        ],
        "votes": 7,
    },
    # 45 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 4,
        "title": "What format does the CSV export use? Need it for a home energy audit",
        "body": """I do energy audits on the side and a customer exported their data from the app. The header looks like this:

```
interval_start,interval_end,kwh_import,kwh_export,cost,rate_period,estimated
2024-01-01T00:00:00-05:00,2024-01-01T00:15:00-05:00,0.412,0.000,0.058,off-peak,false
```

Is `cost` including taxes and fixed charges? And what does `estimated=true` mean on some rows? I want to make sure I'm interpreting it right before I write my report.""",
        "tags": ["energy-report", "api"],
        "answers": [
            {
                "author": 3,
                "body": """From what I've worked out (and confirmed with support earlier):

- `cost` = `kwh_import` times the rate for that period, **without** taxes or fixed daily charges
- `estimated=true` means the utility hadn't delivered that interval yet and the app filled it in from surrounding data. Those rows get replaced later
- Timestamps are local time with offset, so DST days have 92 or 100 rows

For an audit, I'd filter out estimated rows or re-export after a couple of weeks.""",
                "comments": [
                    {"author": 4, "body": "Very helpful, thank you Oliver."},
                ],
                "votes": 6,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 4,
    },
    # 46 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 8,
        "title": "Fan runs constantly after switching from heat to cool",
        "body": """When I switched the thermostat from Heat to Cool for the summer, the furnace fan started running nonstop, even when the AC isn't cooling. The app shows Fan: Auto. Turning the thermostat off doesn't stop the fan either, only the furnace switch does.

Equipment status screen while the fan is running:

```
Mode:     Off
Fan:      Auto (idle)
Outputs:  W=off Y=off G=off
Wires:    R W Y G C
```""",
        "tags": ["hvac", "wiring"],
        "answers": [
            {
                "author": 4,
                "body": "If the fan keeps running with the thermostat **off**, the thermostat isn't the one calling for it. Check the furnace control board: many have a fan switch or jumper set to \"continuous\", and some boards will run the fan if G and Y are swapped. Pull the thermostat off the base: if the fan still runs, it's the furnace side.",
                "comments": [
                    {"author": 8, "body": "Fan still runs with the thermostat removed. I'll look at the board this weekend."},
                ],
                "votes": 4,
            },
            {
                "author": 13,
                "body": "Also check the thermostat's *Fan circulation* schedule under Settings > Fan. Mine had a \"run 15 minutes per hour\" setting that I forgot about, though that wouldn't explain it running with the thermostat off.",
                "comments": [],
                "votes": 1,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 47 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 16,
        "title": "IPv6 isn't working with my ISP (DHCPv6 prefix delegation)",
        "body": """My ISP supports IPv6 with prefix delegation. My old router got a /56 and everything had IPv6. With the Northwind Mesh, devices only get link-local addresses. The WAN status page shows:

```
IPv6 mode:     Auto
WAN IPv6:      2001:db8:1:ff::2/64
Delegated:     none
LAN prefix:    -
```

Router firmware 3.0.4. Is there a setting to request a larger prefix?""",
        "tags": ["setup", "dns"],
        "answers": [
            {
                "author": 14,
                "body": "Set IPv6 mode to **DHCPv6** instead of Auto (Advanced > IPv6), and set *Prefix delegation size* to 56 or 60 depending on what your ISP hands out. In Auto mode the router sometimes settles on SLAAC for the WAN and never asks for a prefix. Reboot the ISP modem after changing it, since some keep the old lease.",
                "comments": [
                    {"author": 16, "body": "DHCPv6 with /56 worked after a modem reboot. Thanks."},
                ],
                "votes": 5,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 48 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 5,
        "title": "Weekly energy report email arrives on Monday instead of Sunday",
        "body": "The app's notification settings say the weekly report is sent on Sunday evenings. For the last month it's been arriving on Monday around 11am. Not a huge deal, but I like to review it on Sunday night and plan laundry and dishwasher runs for the week. My time zone in the app is set to Pacific.",
        "tags": ["notifications", "energy-report"],
        "answers": [],
        "accepted": None,
        "comments": [
            {"author": 10, "body": "Mine arrives Monday morning too, and I'm in Eastern time. Looks like it's sent on UTC Monday for everyone."},
        ],
        "votes": 2,
    },
    # 49 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 19,
        "title": "How do I export a year of runtime history as CSV?",
        "body": "The app only shows 10 days of runtime history. I'd like a full year of heating and cooling runtime per day, to compare before and after adding insulation. Is there an export function, or do I need to use the API? If it's the API, which endpoint and how far back does it go?",
        "tags": ["api", "energy-report"],
        "answers": [
            {
                "author": 3,
                "body": """There's no export button in the app, but the cloud API keeps 24 months of daily runtime. Here's what I use:

```python
import csv, requests

TOKEN = "your-personal-token"
URL = "https://api.example.com/v1/thermostats/{id}/runtime"

r = requests.get(URL.format(id="T2-4F91"),
                 params={"from": "2023-01-01", "to": "2023-12-31", "resolution": "day"},
                 headers={"Authorization": f"Bearer {TOKEN}"})
rows = r.json()["days"]
with open("runtime.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=rows[0].keys())
    w.writeheader()
    w.writerows(rows)
```""",
                "comments": [
                    {"author": 19, "body": "Worked great, got 365 rows. Thanks for the script."},
                ],
                "votes": 10,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 5,
    },
    # 50 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 10,
        "title": "Node won't re-join after factory reset, blinks blue forever",
        "body": """I factory reset one satellite because it kept disconnecting. Now it blinks blue (pairing mode) indefinitely and the Mesh app can't find it when I tap "Add node".

- Router firmware 3.1.0, satellite was on 3.0.4 before reset
- Tried 1 m from the router and with an Ethernet cable
- Tried resetting again (held the button 15 s)

Other two nodes are fine. Is the firmware mismatch the problem?""",
        "tags": ["mesh", "setup", "firmware"],
        "answers": [],
        "accepted": None,
        "comments": [],
        "votes": 3,
    },
    # 51 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 19,
        "title": "How do I delete my account and all my usage data?",
        "body": "I'm moving abroad and will no longer be a customer. I want my account deleted, including the usage history, appliance insights and any location data from the app. I couldn't find a delete option in the app, only \"Log out\". Is deletion possible, and does it also delete data held by the utility?",
        "tags": ["account", "privacy"],
        "answers": [
            {
                "author": 1,
                "body": """Yes. In the app: Settings > Account > Privacy > **Delete account**. You'll get an email to confirm. After confirming:

- Your account, usage history, insights and location data are deleted within 30 days
- Backups are purged within 90 days
- Billing records we're legally required to keep are retained but separated from your profile

We can't delete data held by your utility, you'd need to contact them for that. More info at https://example.com/privacy/delete""",
                "comments": [
                    {"author": 19, "body": "Thanks. Clear and quick. Good luck to everyone here."},
                ],
                "votes": 6,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 3,
    },
    # 52 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 13,
        "title": "Recommended settings for a heat pump with electric backup in a cold climate?",
        "body": "We just had a cold-climate heat pump installed (rated down to -13°F) with 10 kW electric backup. The installer set up the thermostat and left. Winters here regularly hit -5°F. What settings should I check on the thermostat to avoid wasting money on the backup strips but still stay warm on the coldest nights?",
        "tags": ["heat-pump", "hvac"],
        "answers": [
            {
                "author": 10,
                "body": """Similar setup here. What worked for me:

- **Compressor min outdoor temp**: -10°F (or whatever your unit is rated for, minus a margin)
- **Aux heat max outdoor temp**: 10°F
- **Aux heat droop**: 2-3°F
- **Early-On**: off
- Keep schedule setbacks small (2°F) when it's below 20°F outside

Watch the aux runtime in the app for a week and adjust.""",
                "comments": [],
                "votes": 6,
            },
            {
                "author": 4,
                "body": "Kenji's list is a good start. One addition: make sure your outdoor temperature source is right. The thermostat uses weather data by default, and if the station is far away or in town it can be several degrees off. If you have an outdoor sensor on the heat pump, select it under Settings > Equipment > Outdoor temperature.",
                "comments": [
                    {"author": 13, "body": "The weather station was 20 miles away. Switched to the heat pump's sensor."},
                ],
                "votes": 5,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 4,
    },
    # 53 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 15,
        "title": "Is there a way to see which node each device is connected to?",
        "body": "I want to figure out why my smart display in the kitchen is slow. I suspect it's connecting to the satellite upstairs instead of the one in the living room, but I can't see that anywhere in the device list. Is this information available somewhere in the Mesh app?",
        "tags": ["mesh", "wifi"],
        "answers": [
            {
                "author": 18,
                "body": "Tap the device in the Devices list, then the little info icon. It shows *Connected to: [node name]*, the band and the signal strength. You can also open a node from the Network map to list everything connected to it.",
                "comments": [
                    {"author": 15, "body": "There it was. It was indeed on the upstairs node."},
                ],
                "votes": 4,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 1,
    },
    # 54 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 18,
        "title": "Alexa skill: 'how much energy did I use today' returns nothing",
        "body": "I linked the Northwind Energy skill in the Alexa app. When I ask \"Alexa, ask Northwind Energy how much energy I used today\", she says \"Sorry, I couldn't get that information\". Asking about yesterday works. Is today's usage just not supported? My meter data in the app is about 2 hours behind.",
        "tags": ["alexa"],
        "answers": [],
        "accepted": None,
        "comments": [],
        "votes": 1,
    },
    # 55 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 18,
        "title": "Display brightness can't be lowered enough at night",
        "body": "I work night shifts and sleep during the day, and at night the thermostat in the hallway lights up the whole corridor when anyone walks by. The lowest brightness setting is 20%, which is still bright. Is there a hidden option to turn the screen off completely, or is that something that could be added?",
        "tags": ["setup"],
        "answers": [],
        "accepted": None,
        "comments": [
            {"author": 0, "body": "Tagged this as a feature request for the product team. Upvote it if you'd like this too."},
        ],
        "votes": 5,
    },
    # 56 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 3,
        "title": "First DNS lookup after idle takes 2-3 seconds",
        "body": """Browsing feels sluggish when I open a site I haven't visited in a while. Subsequent requests are instant. Measured from my laptop:

```
$ dig example.org @192.168.68.1 | grep "Query time"
;; Query time: 2841 msec
$ dig example.org @192.168.68.1 | grep "Query time"
;; Query time: 1 msec
$ dig example.org @1.1.1.1 | grep "Query time"
;; Query time: 14 msec
```

Upstream DNS is set to Automatic (ISP). Firmware 3.0.4. Anyone else see this?""",
        "tags": ["dns", "speed"],
        "answers": [],
        "accepted": None,
        "comments": [
            {"author": 14, "body": "Try setting the upstream to a public resolver in Advanced > DNS and rerun the test. That would tell you whether it's the router or the ISP resolver."},
        ],
        "votes": 2,
    },
    # 57 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 14,
        "title": "Carbon intensity chart is missing for my region",
        "body": "Friends in another state have a \"Grid carbon intensity\" chart in the app that shows the best times to run the dishwasher. For me the card just says \"Not available in your area\". I'm in a fairly big metro area. Is this based on the utility or the region, and is there a list of where it's supported?",
        "tags": ["energy-report"],
        "answers": [
            {
                "author": 1,
                "body": "It depends on the grid operator, not the utility. We currently have real-time carbon data for grid operators that publish it through an open feed. Your region is on our list for later this year. The current coverage map is at https://example.com/energy-app/carbon-coverage.",
                "comments": [],
                "votes": 3,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 58 -----------------------------------------------------------------
    {
        "product": "thermostat",
        "author": 17,
        "title": "Thermostat won't connect to my Wi-Fi during setup",
        "body": """Setting up a new thermostat for a guest room. It finds my network, I enter the password, and after a minute it fails. The setup log on the screen:

```
scan: petrova-home ch 36 (5G), ch 6 (2.4G)
join: petrova-home ... auth rejected
error: Couldn't connect (code W2)
```

The other thermostat in the building is on the same network without issues. I have a Northwind Mesh router and I've typed the password three times.""",
        "tags": ["wifi", "setup"],
        "answers": [
            {
                "author": 15,
                "body": "The thermostat is 2.4 GHz only. If your mesh has band steering on, it sometimes pushes the thermostat toward 5 GHz during setup and it fails with W2. Easiest fix: turn on the *IoT network* in the Mesh app (2.4 GHz only) and connect the thermostat to that.",
                "comments": [
                    {"author": 17, "body": "Connected on the first try with the IoT network. Thank you!"},
                ],
                "votes": 5,
            },
            {
                "author": 1,
                "body": "Code W2 means the access point rejected the connection. Besides Chloe's fix, make sure the network isn't set to WPA3-only: the thermostat supports WPA2 and WPA2/WPA3 mixed mode.",
                "comments": [],
                "votes": 3,
            },
        ],
        "accepted": None,
        "comments": [],
        "votes": 2,
    },
    # 59 -----------------------------------------------------------------
    {
        "product": "mesh-router",
        "author": 13,
        "title": "Does the mesh support WPA3, and will older devices still connect?",
        "body": "I'd like to turn on WPA3 for better security, but we have some older devices: a 2015 laptop, a Kindle, and a few smart plugs. If I switch to WPA3, will they be kicked off? Is there a mixed mode?",
        "tags": ["wifi", "privacy", "setup"],
        "answers": [
            {
                "author": 19,
                "body": "Use **WPA2/WPA3 transition mode** (Wi-Fi > Security > WPA2/WPA3). Newer devices connect with WPA3, older ones fall back to WPA2, same password. Only choose WPA3-only if every device supports it. For the smart plugs, the IoT network stays on WPA2 anyway.",
                "comments": [
                    {"author": 13, "body": "Transition mode it is. Everything stayed connected."},
                ],
                "votes": 6,
            },
            {
                "author": 9,
                "body": "I switched mine to WPA3 only by mistake and my old printer disappeared. Switching back to the mixed option brought it back, so no harm done.",
                "comments": [],
                "votes": 2,
            },
        ],
        "accepted": 0,
        "comments": [],
        "votes": 3,
    },
    # 60 -----------------------------------------------------------------
    {
        "product": "energy-app",
        "author": 11,
        "title": "iOS home screen widget shows yesterday's data",
        "body": "The Energy widget on my iPhone home screen shows \"Today: 0.0 kWh\" until I open the app, then it updates. Sometimes it's stuck on yesterday's total until noon. Background App Refresh is on for the app. iPhone 15, iOS 17.5, app 6.3.1. I followed https://example.com/support/energy-app/widgets already. Any tricks to make the widget refresh on its own?",
        "tags": ["ios"],
        "answers": [],
        "accepted": None,
        "comments": [],
        "votes": 0,
    },
]
