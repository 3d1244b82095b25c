"""Text pools of the generated topic evaluation: event kinds told in French and English by press, posts
and forums, plus everyday chatter. Every name is invented or generic. See docs/topics.md"""

# Slots: {place} borough, {street}, {n} a number, {person} a spokesperson, {org} the organisation.
# Each kind has titles (press), sentences (articles, 2-6 drawn) and posts (social, forums), per language.
KINDS: dict[str, dict[str, dict[str, list[str]]]] = {
    "water": {
        "fr": {
            "titles": ["Bris d'aqueduc majeur dans {place}", "{place} : des centaines de résidents privés d'eau",
                       "Une conduite d'eau cède sur la {street}", "Avis d'ébullition préventif à {place}"],
            "sentences": [
                "Un bris d'aqueduc survenu sur la {street} a privé d'eau environ {n} résidents de {place}.",
                "La conduite principale, installée dans les années 1950, a cédé vers 5 h du matin.",
                "Les équipes des travaux publics sont sur place pour réparer la conduite, selon {person}.",
                "Un avis d'ébullition préventif est en vigueur pour les secteurs touchés de {place}.",
                "La {street} est fermée à la circulation entre deux intersections le temps des réparations.",
                "Des bouteilles d'eau sont distribuées aux résidents au centre communautaire de {place}.",
                "{person}, porte-parole de {org}, estime que l'eau sera rétablie d'ici la fin de la journée.",
            ],
            "posts": ["Plus d'eau chez nous à {place} depuis ce matin, bris d'aqueduc sur la {street}",
                      "Encore un bris d'aqueduc dans {place}... la {street} est inondée",
                      "Avis d'ébullition à {place}, faites bouillir l'eau avant de la boire!",
                      "La {street} ressemble à une rivière ce matin, conduite d'eau brisée à {place}"],
        },
        "en": {
            "titles": ["Water main break leaves {place} residents without water",
                       "Burst pipe floods {street} in {place}", "Boil-water advisory issued for {place}"],
            "sentences": [
                "A water main break on {street} left about {n} residents of {place} without running water.",
                "The main pipe, laid in the 1950s, burst shortly before dawn, according to {org}.",
                "Public works crews were repairing the broken main on Tuesday, {person} said.",
                "A precautionary boil-water advisory is in effect for the affected part of {place}.",
                "{street} is closed to traffic while crews dig up the ruptured pipe.",
                "Bottled water is being handed out at the {place} community centre.",
            ],
            "posts": ["No water in {place} this morning because of the water main break on {street}",
                      "{street} is flooded, huge water main break in {place}",
                      "Boil water advisory in {place}, don't drink from the tap!"],
        },
    },
    "power": {
        "fr": {
            "titles": ["Panne d'électricité : {n} clients dans le noir à {place}",
                       "Vaste panne de courant dans {place}", "Hydro-Québec rétablit le courant à {place}"],
            "sentences": [
                "Une panne d'électricité prive de courant {n} clients d'Hydro-Québec dans le secteur de {place}.",
                "Selon Hydro-Québec, un équipement défectueux dans un poste de distribution serait en cause.",
                "Les feux de circulation sont éteints sur la {street}, où des policiers dirigent la circulation.",
                "{person}, porte-parole d'Hydro-Québec, prévoit un rétablissement complet en soirée.",
                "Plusieurs commerces de la {street} ont dû fermer leurs portes faute de courant.",
                "Les résidents de {place} sont invités à consulter le site Info-pannes pour suivre la situation.",
            ],
            "posts": ["Panne de courant à {place} depuis 2 heures, Hydro-Québec dit ce soir...",
                      "Tout est noir sur la {street}, panne d'électricité dans {place}",
                      "Encore une panne à {place}, mon congélateur va y passer"],
        },
        "en": {
            "titles": ["Power outage leaves {n} customers in the dark in {place}",
                       "Hydro-Québec restores power to {place}", "Blackout hits {place}"],
            "sentences": [
                "A power outage cut electricity to {n} Hydro-Québec customers in {place}.",
                "Hydro-Québec blamed faulty equipment at a distribution substation.",
                "Traffic lights were out along {street}, where police officers directed traffic.",
                "{person}, a spokesperson for Hydro-Québec, expected power to be fully restored by evening.",
                "Several shops on {street} closed early because of the blackout.",
            ],
            "posts": ["Power's been out in {place} for two hours now, thanks Hydro-Québec",
                      "Whole {street} is dark, another outage in {place}",
                      "Blackout in {place} again, there goes my freezer"],
        },
    },
    "fire": {
        "fr": {
            "titles": ["Incendie majeur dans un immeuble de {place}", "{n} personnes évacuées lors d'un incendie à {place}",
                       "Les pompiers combattent un violent incendie sur la {street}"],
            "sentences": [
                "Un incendie s'est déclaré dans un immeuble à logements de la {street}, à {place}.",
                "Une centaine de pompiers ont combattu les flammes pendant plusieurs heures.",
                "{n} locataires ont été évacués et relogés par la Croix-Rouge.",
                "Selon {person}, du service de sécurité incendie, le feu aurait pris naissance au sous-sol.",
                "La fumée était visible de loin dans le quartier {place}.",
                "Les enquêteurs tentent de déterminer la cause de l'incendie.",
            ],
            "posts": ["Gros feu sur la {street} à {place}, on voit la fumée de partout",
                      "Incendie à {place}, plein de camions de pompiers dans la rue",
                      "Pensées aux familles évacuées après l'incendie à {place}"],
        },
        "en": {
            "titles": ["Fire tears through apartment building in {place}", "{n} evacuated as blaze hits {street}",
                       "Firefighters battle major fire in {place}"],
            "sentences": [
                "A fire broke out in an apartment building on {street} in {place}.",
                "About a hundred firefighters battled the flames for several hours.",
                "{n} tenants were evacuated and given shelter by the Red Cross.",
                "The blaze started in the basement, fire department spokesperson {person} said.",
                "Smoke could be seen across {place} throughout the afternoon.",
            ],
            "posts": ["Huge fire on {street} in {place}, smoke everywhere",
                      "So many fire trucks in {place} right now, apartment building on fire",
                      "Thinking of the families evacuated after the {place} fire"],
        },
    },
    "strike": {
        "fr": {
            "titles": ["Les cols bleus de {place} déclenchent la grève", "Grève des employés municipaux à {place}",
                       "Négociations rompues : le syndicat débraye à {place}"],
            "sentences": [
                "Les {n} cols bleus de l'arrondissement de {place} ont déclenché une grève ce matin.",
                "Le syndicat réclame des hausses salariales et dénonce la sous-traitance.",
                "{person}, présidente du syndicat, accuse l'administration de bloquer les négociations.",
                "La collecte des ordures et l'entretien des parcs sont perturbés à {place}.",
                "Des piquets de grève ont été installés devant le garage municipal de la {street}.",
                "L'arrondissement affirme que les services essentiels seront maintenus.",
            ],
            "posts": ["Grève des cols bleus à {place}, les poubelles vont s'accumuler",
                      "Solidarité avec les grévistes de {place}! Piquet de grève sur la {street}",
                      "Pas de collecte à {place} cette semaine à cause de la grève?"],
        },
        "en": {
            "titles": ["Blue-collar workers walk off the job in {place}", "Municipal strike hits {place}",
                       "{place} union launches strike after talks collapse"],
            "sentences": [
                "The {n} blue-collar workers of the {place} borough went on strike this morning.",
                "The union is demanding wage increases and an end to contracting out.",
                "Union president {person} accused the administration of stalling negotiations.",
                "Garbage collection and park maintenance are disrupted in {place}.",
                "Picket lines went up in front of the municipal garage on {street}.",
            ],
            "posts": ["Strike in {place}, garbage is going to pile up",
                      "Solidarity with the striking workers in {place}! Picket line on {street}",
                      "No garbage pickup in {place} this week because of the strike?"],
        },
    },
    "crash": {
        "fr": {
            "titles": ["Collision grave sur la {street} à {place}", "Accident à {place} : {n} blessés",
                       "Un carambolage paralyse la {street}"],
            "sentences": [
                "Une collision impliquant un autobus et deux voitures a fait {n} blessés sur la {street}.",
                "L'accident s'est produit à l'heure de pointe, près d'une école de {place}.",
                "Les policiers ont fermé la {street} pendant plusieurs heures pour leur enquête.",
                "{person}, porte-parole de la police, indique qu'un conducteur a été arrêté.",
                "Des citoyens de {place} réclament depuis longtemps une intersection plus sécuritaire.",
            ],
            "posts": ["Grave accident sur la {street} à {place}, évitez le secteur",
                      "Collision avec un autobus à {place}, j'espère que les blessés vont s'en sortir",
                      "Ça fait des années qu'on dit que cette intersection de {place} est dangereuse"],
        },
        "en": {
            "titles": ["Serious crash on {street} in {place}", "{n} injured in {place} collision",
                       "Bus crash shuts down {street}"],
            "sentences": [
                "A collision involving a city bus and two cars injured {n} people on {street}.",
                "The crash happened at rush hour near a school in {place}.",
                "Police closed {street} for several hours to investigate.",
                "Police spokesperson {person} said one driver was arrested.",
                "Residents of {place} have long asked for a safer intersection.",
            ],
            "posts": ["Bad crash on {street} in {place}, avoid the area",
                      "Bus collision in {place}, hope the injured are ok",
                      "We've said for years that intersection in {place} is dangerous"],
        },
    },
    "festival": {
        "fr": {
            "titles": ["Le festival de {place} dévoile sa programmation", "Festival de musique : {n} spectacles gratuits à {place}",
                       "{place} se prépare à accueillir son festival d'été"],
            "sentences": [
                "Le festival de musique de {place} présentera {n} spectacles gratuits au parc de la {street}.",
                "La programmation fait une large place aux artistes de la relève.",
                "{person}, directrice du festival, attend plus de 50 000 festivaliers.",
                "Des navettes gratuites relieront le métro au site du festival.",
                "La {street} sera piétonne pendant les quatre jours de l'événement.",
            ],
            "posts": ["Trop hâte au festival de {place}, la programmation est malade!",
                      "Spectacles gratuits au festival de {place} ce week-end, qui vient?",
                      "La programmation du festival de {place} est sortie 🎶"],
        },
        "en": {
            "titles": ["{place} music festival unveils its lineup", "{n} free shows at this summer's {place} festival",
                       "{place} gets ready for its summer festival"],
            "sentences": [
                "The {place} music festival will present {n} free shows in the park on {street}.",
                "The lineup leans heavily on up-and-coming artists.",
                "Festival director {person} expects more than 50,000 festival-goers.",
                "Free shuttles will link the metro to the festival grounds.",
                "{street} will be closed to cars for the four days of the event.",
            ],
            "posts": ["Can't wait for the {place} festival, the lineup is amazing",
                      "Free shows at the {place} festival this weekend, who's coming?",
                      "The {place} festival lineup is out 🎶"],
        },
    },
    "budget": {
        "fr": {
            "titles": ["Budget de {place} : hausse de taxes de {n} %", "Le conseil de {place} adopte son budget",
                       "Taxes foncières : {place} augmente la facture"],
            "sentences": [
                "Le conseil d'arrondissement de {place} a adopté un budget prévoyant une hausse de taxes de {n} %.",
                "La mairesse {person} affirme que la hausse est nécessaire pour rénover les infrastructures.",
                "L'opposition dénonce un budget qui alourdit le fardeau des propriétaires.",
                "Le budget prévoit la réfection complète de la {street} l'an prochain.",
                "Une séance extraordinaire du conseil a eu lieu lundi soir.",
            ],
            "posts": ["{n} % de hausse de taxes à {place}, ça commence à faire",
                      "Le budget de {place} est adopté, et nos taxes montent encore",
                      "Au moins le budget de {place} prévoit de refaire la {street}"],
        },
        "en": {
            "titles": ["{place} budget raises property taxes {n} per cent", "{place} council adopts its budget",
                       "Tax bills going up in {place}"],
            "sentences": [
                "The {place} borough council adopted a budget that raises property taxes by {n} per cent.",
                "Mayor {person} said the increase was needed to repair ageing infrastructure.",
                "The opposition said the budget puts too much of the burden on homeowners.",
                "The budget includes a complete rebuild of {street} next year.",
            ],
            "posts": ["{n}% property tax hike in {place}, enough is enough",
                      "{place} budget passed and our taxes go up again",
                      "At least the {place} budget finally fixes {street}"],
        },
    },
    "snow": {
        "fr": {
            "titles": ["Tempête : {n} cm de neige sur {place}", "Opération de déneigement à {place}",
                       "La tempête paralyse {place}"],
            "sentences": [
                "Une tempête a laissé {n} centimètres de neige sur {place} en moins de 24 heures.",
                "Une opération de chargement de la neige est lancée dès ce soir dans {place}.",
                "Les automobilistes doivent déplacer leur véhicule lorsque les panneaux orange sont installés.",
                "{person}, responsable du déneigement, demande la patience des citoyens.",
                "La {street} a été dégagée en priorité en raison des circuits d'autobus.",
            ],
            "posts": ["{n} cm de neige à {place}, la souffleuse est pas encore passée sur la {street}",
                      "Déneigement à {place}: on attend toujours, rue glacée",
                      "Quelle tempête à {place}! Les trottoirs sont impraticables"],
        },
        "en": {
            "titles": ["Storm dumps {n} cm of snow on {place}", "Snow removal operation under way in {place}",
                       "Snowstorm paralyses {place}"],
            "sentences": [
                "A storm dumped {n} centimetres of snow on {place} in less than 24 hours.",
                "A snow-loading operation starts tonight across {place}.",
                "Drivers must move their cars when the orange signs go up.",
                "Snow removal manager {person} asked residents to be patient.",
                "{street} was cleared first because of its bus routes.",
            ],
            "posts": ["{n} cm of snow in {place} and the plow still hasn't come down {street}",
                      "Still waiting for snow removal in {place}, the street is a skating rink",
                      "What a storm in {place}! Sidewalks are impossible"],
        },
    },
}

PLACES = ("Rosemont", "Verdun", "Villeray", "Outremont", "Lachine", "Anjou", "Saint-Henri", "Hochelaga",
          "Ahuntsic", "LaSalle", "Pointe-aux-Trembles", "Montréal-Nord", "Limoilou", "Beauport", "Sainte-Foy")
STREETS = {"fr": ("rue Masson", "rue Wellington", "rue Ontario", "boulevard Saint-Michel", "rue Fleury",
                  "avenue du Parc", "rue Notre-Dame", "boulevard Henri-Bourassa", "rue Beaubien", "rue Saint-Vallier"),
           "en": ("Masson Street", "Wellington Street", "Ontario Street", "Saint-Michel Boulevard", "Fleury Street",
                  "Park Avenue", "Notre-Dame Street", "Henri-Bourassa Boulevard", "Beaubien Street", "Saint-Vallier Street")}
FIRST = ("Julie", "Marc", "Sophie", "Karim", "Isabelle", "Luc", "Nadia", "Pierre", "Amélie", "François", "Chantal",
         "Mathieu", "Geneviève", "Yannick", "Hélène", "Samuel")
LAST = ("Tremblay", "Gagnon", "Bouchard", "Côté", "Lévesque", "Pelletier", "Ouellet", "Bélanger", "Morin",
        "Lavoie", "Fortin", "Gauthier", "Ménard", "Drouin", "Poirier", "Désilets")
ORGS = {"water": "la Ville", "power": "Hydro-Québec", "fire": "la Ville", "strike": "l'arrondissement",
        "crash": "la police", "festival": "la Ville", "budget": "l'arrondissement", "snow": "la Ville"}
OPENERS = {"fr": ["", "", "Wow.", "Bon.", "Sérieux?", "Ouf,", "Incroyable :", "Misère..."],
           "en": ["", "", "Wow.", "Ugh,", "Seriously?", "Well,", "Unreal:", "Yikes."]}
CLOSERS = {"fr": ["", "", "😡", "#MTL", "Bonne chance à tous", "On en reparle.", "🙏", "Pfff"],
           "en": ["", "", "😡", "#MTL", "Stay safe everyone", "More soon.", "🙏", "smh"]}
PRESS_CONTEXT = {"fr": ["D'autres détails suivront.", "La situation sera réévaluée en fin de journée.",
                        "Rappelons que l'arrondissement compte quelque 140 000 habitants."],
                 "en": ["More details to follow.", "The situation will be reassessed later today.",
                        "The borough is home to some 140,000 people."]}
# Everyday chatter, a subject and a comment drawn apart: about nothing that happened, sometimes naming a
# borough (the background the confounders stand on). Long articles pad their lead with it too.
CHATTER = {
    "fr": {"subjects": [
        "La promenade au parc à {place}", "Le café du coin à {place}", "Le match du Canadien hier soir",
        "Ma déclaration de revenus", "Le pâté chinois de ma grand-mère", "Le trafic sur le pont ce matin",
        "Le nouveau resto vietnamien sur la {street}", "La finale de l'émission de ce soir", "Mon chat",
        "Les cerisiers du jardin botanique", "La vente de garage à {place}", "Le métro aujourd'hui",
        "Ma recherche d'appartement à {place}", "La soirée de jeux de société", "Les fraises du marché public",
        "Le coucher de soleil sur le fleuve", "Le cours de yoga du samedi", "La bibliothèque de {place}",
        "Le nouveau balado que j'écoute", "Les travaux de rénovation chez nous", "La rentrée scolaire",
        "Le chantier de ma voisine", "Mon jardin de tomates", "La friperie de la {street}"],
        "comments": ["vraiment", "franchement", "plutôt", "super", "tellement", "assez", "carrément", "un peu"],
        "adjectives": ["agréable", "décevant", "cher", "interminable", "drôle", "réussi", "bruyant", "calme",
                       "original", "ordinaire", "savoureux", "relaxant", "compliqué", "génial", "moyen", "beau",
                       "ennuyant", "rafraîchissant", "épuisant", "inspirant", "surprenant", "charmant"]},
    "en": {"subjects": [
        "The walk in the park in {place}", "The corner coffee shop in {place}", "Last night's Canadiens game",
        "My tax return", "My grandmother's shepherd's pie", "Bridge traffic this morning",
        "The new Vietnamese place on {street}", "Tonight's season finale", "My cat",
        "The cherry blossoms at the botanical garden", "The yard sale in {place}", "The metro today",
        "My apartment hunt in {place}", "Board game night", "The strawberries at the farmers market",
        "The sunset over the river", "Saturday's yoga class", "The {place} library",
        "This new podcast I'm hooked on", "Our kitchen renovation", "Back to school week",
        "My neighbour's renovation", "My tomato garden", "The thrift shop on {street}"],
        "comments": ["really", "honestly", "pretty", "super", "so", "quite", "totally", "a bit"],
        "adjectives": ["pleasant", "disappointing", "expensive", "endless", "funny", "successful", "noisy",
                       "calm", "original", "ordinary", "tasty", "relaxing", "complicated", "great", "average",
                       "beautiful", "boring", "refreshing", "exhausting", "inspiring", "surprising", "charming"]},
}
