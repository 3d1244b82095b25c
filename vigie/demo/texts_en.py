"""English text pools of the fictional demo city (titles, article sentences, social posts per topic). See docs/demo.md"""

# Same topics and slots as texts_fr; English coverage is thinner, as in a mostly French-speaking town.

TOPICS: dict[str, dict[str, list[str]]] = {
    "conseil": {
        "titles": [
            "{city} council passes {annee1} budget with {pct}% tax increase",
            "Council roundup: {city} adopts new bylaw on {bylaw}",
            "Opposition presses Mayor {mairesse} on spending",
        ],
        "sentences": [
            "At {weekday} night's meeting, {city} council adopted {n} resolutions, including a bylaw on {bylaw}.",
            "Mayor {mairesse} says the {annee1} budget keeps services at current levels despite inflation.",
            "The average single-family tax bill will rise by about {pct}%, or roughly ${dollars} a year.",
            "Opposition councillor {opposant} accused the administration of a lack of transparency.",
            "Several residents asked about the upkeep of the water mains, some of which date back to the 1970s.",
            "Council also awarded a ${montant} contract to resurface {street}.",
            "Director general {dg} presented the town's financial statements.",
        ],
        "posts": [
            "{pct}% tax hike in {city} this year. Meanwhile {voisine} freezes theirs.",
            "Went to the {city} council meeting tonight. Still no straight answer on {bylaw}.",
            "Good on {city} council for finally passing the {bylaw} bylaw.",
            "Anyone watch the council meeting? Did {opposant} get his answers?",
        ],
    },
    "culture": {
        "titles": [
            "{city}'s Quatre-Vents library reopens after expansion",
            "Arts centre show brings together {n} valley artists",
        ],
        "sentences": [
            "After {n} months of work, the Quatre-Vents library now has a digital creation lab.",
            "The programme includes writing workshops, story time and board-game nights.",
            "The ${montant} project was partly funded by the province.",
            "Library cards remain free for {city} residents with proof of address.",
            "Opening hours are extended on Thursday evenings until 9 p.m.",
        ],
        "posts": [
            "The new {city} library is gorgeous. Kids didn't want to leave 📚",
            "Board-game night at the Quatre-Vents library Thursday, who's in?",
            "Lovely show at the {city} arts centre, go before it closes.",
        ],
    },
    "voirie": {
        "titles": [
            "Pothole season hits {city} drivers hard",
            "Roadwork on {street} to last until {until}",
        ],
        "sentences": [
            "Repairs on {street} will disrupt traffic until {until}.",
            "Residents of {district} say the pavement is riddled with potholes.",
            "The town says crews have patched more than {n}00 potholes so far this season.",
            "Merchants fear a drop in customers while the work goes on.",
            "Residents can report road problems through the town's app or by calling 311.",
        ],
        "posts": [
            "Another crater on {street} in {city}. RIP my tire.",
            "Detour on {street} added 25 minutes to my commute. Thanks {city} 🙄",
            "Reported a pothole to 311 and {city} fixed it in two days. Credit where it's due.",
        ],
    },
    "velo": {
        "titles": ["New bike link connects {city} and {voisine}"],
        "sentences": [
            "The new {n}-kilometre stretch follows the river to the {voisine} town line.",
            "The town wants to double its bike network within five years.",
            "Some drivers are unhappy about losing parking spots on {street}.",
            "Safe school routes will be built in {district}.",
        ],
        "posts": [
            "Rode the new bike link from {city} to {voisine} today. Beautiful 🚲",
            "Bike lanes are great but not if you remove all the parking on {street}.",
        ],
    },
    "logement": {
        "titles": ["{city} announces {n}0 affordable housing units"],
        "sentences": [
            "The {n}0 affordable units will be built on town-owned land near {street}.",
            "The rental vacancy rate in {city} is below 1%, according to a local housing group.",
            "Neighbours worry about the height of the planned building and extra traffic.",
            "A public consultation is scheduled for {weekday} evening at the community centre.",
        ],
        "posts": [
            "Affordable housing in {city} is good news. We need ten times more.",
            "Try finding a two-bedroom in {city} right now. Impossible.",
        ],
    },
    "festival": {
        "titles": ["Festival des Érables unveils its line-up"],
        "sentences": [
            "The Festival des Érables line-up features {n} free shows on three stages.",
            "Organizers expect more than {n},000 visitors at the riverside park.",
            "Free shuttles will run from the arena parking lot to the festival grounds.",
        ],
        "posts": [
            "Festival des Érables line-up is out and it's solid 🎶",
            "Farmers' market in {city} this morning: strawberries, cheese, coffee. Perfect.",
        ],
    },
    "sports": {
        "titles": ["Faucons des Érables win a thriller at home"],
        "sentences": [
            "The Faucons des Érables won {score} in front of a record crowd.",
            "The arena will close for two weeks to replace its refrigeration system.",
            "The regional tournament will bring together {n}0 minor hockey teams.",
        ],
        "posts": [
            "What a game by the Faucons last night! {score}! Arena was packed.",
            "Public skating at the {city} arena Sunday with the kids ⛸️",
        ],
    },
    "economie": {
        "titles": ["{entreprise} expands {city} plant, hiring {n}0"],
        "sentences": [
            "{entreprise} will invest ${montant} to expand its plant in the industrial park.",
            "The company expects to create {n}0 jobs over the next two years.",
            "Several empty storefronts on {street} have found tenants this year.",
            "Labour shortages remain the main challenge for local employers.",
        ],
        "posts": [
            "{entreprise} is hiring in {city}. Good jobs close to home.",
            "Three new shops on {street}. Downtown {city} is coming back 👏",
        ],
    },
    "voisine": {
        "titles": [
            "{voisine} freezes property taxes for a second year",
            "{voisine} opens new aquatic centre",
        ],
        "sentences": [
            "{voisine} council adopted a budget with no residential tax increase.",
            "Mayor {maire_voisin} says he wants to attract families and businesses from across the valley.",
            "The ${montant} aquatic centre in {voisine} has two pools.",
            "Residents of neighbouring towns will pay a higher fee to use it.",
        ],
        "posts": [
            "Tax freeze in {voisine} again. How do they do it?",
            "The {voisine} aquatic centre is great, shame about the non-resident fee.",
        ],
    },
    # -- the crisis ----------------------------------------------------------------------------
    "eau_gout": {
        "titles": ["Residents complain of chlorine taste in {city} tap water"],
        "sentences": [
            "Several residents of {district} report cloudy water with a strong chlorine taste.",
            "The town says the water meets standards and that tests are under way.",
        ],
        "posts": [
            "Does anyone else's tap water in {city} taste like a swimming pool today?",
            "Water looks a bit cloudy this morning in {district}. Anyone else?",
        ],
    },
    "bris": {
        "titles": [
            "Major water main break: boil-water advisory in {city}",
            "Brown water and low pressure as {city} issues boil-water notice",
        ],
        "sentences": [
            "A major break on a main line under Boulevard des Érables caused a sudden drop in pressure.",
            "The Town of {city} issued a precautionary boil-water advisory for the east end and Vieux-Moulin.",
            "Residents must boil water for at least one minute before drinking it or cooking with it.",
            "About {n},000 households are affected, according to early estimates.",
            "Public works crews are repairing the pipe, which was installed in 1968.",
            "Many residents say they learned of the advisory on social media rather than from the town.",
        ],
        "posts": [
            "Boil-water advisory in {city}! East end and Vieux-Moulin. Please share.",
            "Our water is literally BROWN in {district}. Nobody warned us.",
            "Grocery stores in {city} are already out of bottled water.",
            "Boil your water for at least a minute, {city} folks. Stay safe.",
        ],
    },
    "ecoli": {
        "titles": [
            "E. coli found: boil-water advisory extended to all of {city}",
            "Schools closed as {city} water quality crisis deepens",
        ],
        "sentences": [
            "Tests confirmed E. coli bacteria in several samples taken from the network.",
            "The boil-water advisory now covers all of {city}, about 38,000 people.",
            "Public health officials advise vulnerable people to drink bottled water only.",
            "All schools in town will remain closed at least until {until}.",
            "Bottled water is being handed out at the municipal arena from 8 a.m. to 8 p.m.",
            "Several restaurants and daycares have temporarily closed.",
        ],
        "posts": [
            "E. coli in the {city} water supply. Schools closed. How does this even happen?",
            "Two hours in line at the arena for bottled water. Unacceptable.",
            "My kids have been sick since yesterday. Is it the water? Nobody at {city} is answering.",
            "Water quality crisis in {city}: daycares closed, what am I supposed to do with my baby tomorrow?",
        ],
    },
    "colere": {
        "titles": [
            "Anger grows in {city} over contaminated water",
            "Residents call for water-tax boycott in {city}",
        ],
        "sentences": [
            "A petition demanding an independent inquiry has gathered more than {n},000 signatures.",
            "A citizens' group is calling for a boycott of the water tax until the town is held accountable.",
            "The hashtag #EauSLDE has become a rallying point for angry residents.",
            "{opposant} called the situation a scandal and demanded the director general's resignation.",
        ],
        "posts": [
            "Boycott the water tax in {city} until we get answers. I'm in.",
            "Shame on the {city} administration. We pay taxes for safe water!",
            "Protest at {city} town hall {weekday} at noon. Be there. #EauSLDE",
        ],
    },
    "greve": {
        "titles": [
            "Blue-collar workers threaten strike amid {city} water crisis",
        ],
        "sentences": [
            "The municipal employees' union says workers have been pulling 16-hour shifts since the break.",
            "Union president {syndic} says the filtration plant runs with half the staff it needs.",
            "Members will vote on a strike mandate {weekday} evening.",
            "A strike could delay repairs and the lifting of the advisory.",
        ],
        "posts": [
            "A strike in the middle of a water crisis in {city}? That's all we needed.",
            "Blue-collar workers in {city} are doing 16-hour days. Strike or not, respect.",
        ],
    },
    "rapport": {
        "titles": ["{annee_rapport} report urged {city} to replace failed water main"],
        "sentences": [
            "An engineering report from {annee_rapport} recommended urgent replacement of the main.",
            "The work, estimated at ${montant}, was postponed several times.",
            "Mayor {mairesse} promised to release all inspection reports.",
        ],
        "posts": [
            "They KNEW since {annee_rapport}. {city} needs to own this.",
            "That {annee_rapport} water main report is damning for the {city} administration.",
        ],
    },
    "entraide": {
        "titles": ["{voisine} sends water tankers to help {city}"],
        "sentences": [
            "{voisine} sent three tanker trucks of drinking water to {city}.",
            "Volunteers are delivering water to seniors in {district}.",
        ],
        "posts": [
            "Thank you {voisine} for the water tankers! That's what neighbours are for.",
            "Volunteers needed to deliver water to seniors in {district}. DM me.",
        ],
    },
}
TOPICS["environnement"] = {
    "titles": ["{city} to plant {n},000 trees over three years"],
    "sentences": [
        "The town plans to plant {n},000 trees to widen its canopy in the most paved-over areas.",
        "The brown-bin programme diverted {n},000 tonnes of food waste from landfill.",
        "Free trees will be handed out to residents on Saturday at the municipal garage.",
    ],
    "posts": ["Free tree giveaway in {city} Saturday 🌳", "The brown bin works! Proud of {city} on this one."],
}
TOPICS["transport"] = {
    "titles": ["New bus line for {city}'s {district}"],
    "sentences": [
        "Route {n} will serve {district} every 20 minutes at rush hour.",
        "The shuttle to the train station will be free for the first three months.",
        "Riders are asking for Sunday service, which the schedule still lacks.",
    ],
    "posts": ["Still no Sunday bus in {city}. How do you get around without a car?"],
}

OFFICIAL = [
    "UPDATE: the boil-water advisory remains in effect in {district}. Boil water for at least one minute. Info: 311.",
    "Bottled water distribution continues at the municipal arena, 8 a.m. to 8 p.m. Bring your own bags.",
    "Repairs on the Boulevard des Érables water main are progressing. Next update at 4 p.m.",
]

COPYPASTE = [
    "We demand an independent inquiry into how St. Laurent des Erables manages its drinking water. "
    "Residents deserve the truth and safe water. Sign and share the petition: "
    "https://petition.erables.example/eau-potable #EauSLDE",
]

COMMUNIQUE = {
    "title": "NEWS RELEASE – Boil-water advisory extended to the whole territory",
    "text": (
        "The Town of Saint-Laurent-des-Érables advises residents that the boil-water advisory now covers "
        "its entire territory, after test results showed E. coli bacteria in the water network. Residents "
        "must bring water to a rolling boil for at least one minute before drinking it. Bottled water is "
        "handed out free of charge at the municipal arena from 8 a.m. to 8 p.m. Schools remain closed "
        "until further notice. Information: 311 or the Town's website."
    ),
}

OPENERS = ["", "", "", "Ok.", "Seriously.", "Worth a read:", "Honestly.", "PSA:", "For {city} folks:",
           "Called it.", "Wow.", "Hmm.", "Well.", "Yikes."]
CLOSERS = ["", "", "", "Thoughts?", "Stay tuned.", "😕", "👏", "🙄", "…", "Please share!",
           "Have a good one!", "Great.", "What do you think?", "🤔"]
PRESS_CONTEXT = [
    "{city} has a population of about 38,000.",
    "The town had not responded by press time.",
    "More details are expected in the coming days.",
    "The issue is expected to come back at the next council meeting.",
    "\"We just want to be kept informed,\" said {citizen}, who lives in {district}.",
    "\"It's a matter of trust,\" said {citizen}, a resident of {street} for twenty years.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
