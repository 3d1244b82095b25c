"""French text pools of the fictional demo city (titles, article sentences, social posts per topic). See docs/demo.md"""

# Every name here is invented: the city, its people, outlets and businesses. Slots such as {ville}
# are filled per item by vigie.demo.generator; see SLOTS there.

TOPICS: dict[str, dict[str, list[str]]] = {
    "conseil": {
        "titles": [
            "Séance du conseil : {ville} adopte un règlement sur {reglement}",
            "Budget {annee1} : hausse de taxes de {pct} % à {ville}",
            "Le conseil municipal de {ville} se penche sur le budget {annee1}",
            "{mairesse} défend les priorités de son administration",
            "Période de questions animée au conseil de {ville}",
        ],
        "sentences": [
            "Lors de la séance de {jour} soir, le conseil municipal de {ville} a adopté {n} résolutions, dont un règlement sur {reglement}.",
            "La mairesse {mairesse} affirme que le budget {annee1} maintiendra le niveau des services malgré l'inflation.",
            "Le compte de taxes moyen d'une maison unifamiliale augmentera d'environ {pct} %, soit près de {dollars} $ par année.",
            "Le conseiller de l'opposition {opposant}, d'Action Érables, reproche à l'administration un manque de transparence.",
            "Une quarantaine de citoyens ont assisté à la séance, surtout des résidents du {secteur}.",
            "Les élus ont aussi accordé un contrat de {montant} $ pour la réfection de la {rue}.",
            "Le directeur général, {dg}, a présenté l'état des finances de la municipalité.",
            "Selon {mairesse}, la dette de la Ville demeure sous la moyenne des villes de taille comparable.",
            "Plusieurs résidents ont demandé des explications sur l'entretien du réseau d'aqueduc, qui date des années 1970.",
            "{opposant} a déposé une motion pour diffuser les séances en direct sur le Web.",
            "La prochaine séance ordinaire aura lieu le premier lundi du mois, à 19 h, à l'hôtel de ville.",
        ],
        "posts": [
            "Séance du conseil ce soir à {ville}. Encore une fois, pas de réponse claire sur {reglement}.",
            "Budget {annee1} à {ville} : {pct} % de hausse de taxes. Ça commence à faire.",
            "Bravo au conseil de {ville} pour le règlement sur {reglement}, enfin!",
            "Quelqu'un a suivi le conseil municipal hier? {opposant} a-t-il eu ses réponses?",
            "Hausse de {pct} % du compte de taxes à {ville} pendant qu'à {voisine} on parle de gel. Hmm.",
            "Je suis allée poser ma question au conseil de {ville} sur la {rue}. On verra bien.",
        ],
    },
    "culture": {
        "titles": [
            "La bibliothèque des Quatre-Vents de {ville} rouvre après agrandissement",
            "Heure du conte et ateliers : la bibliothèque de {ville} dévoile sa programmation",
            "Exposition au centre culturel de {ville} : {n} artistes de la région réunis",
            "Culture : {ville} mise sur sa bibliothèque et ses salles de spectacle",
        ],
        "sentences": [
            "Après {n} mois de travaux, la bibliothèque des Quatre-Vents offre désormais une salle de création numérique.",
            "La programmation comprend des ateliers d'écriture, des heures du conte et des soirées de jeux de société.",
            "Le projet de {montant} $ a été financé en partie par le gouvernement provincial.",
            "La responsable de la culture, {elue}, parle d'un « lieu de rencontre pour toutes les générations ».",
            "L'abonnement demeure gratuit pour les résidents de {ville} sur présentation d'une preuve de résidence.",
            "Le centre culturel accueille jusqu'au mois prochain les œuvres de {n} artistes de la vallée.",
            "Les heures d'ouverture sont prolongées le jeudi soir jusqu'à 21 h.",
            "Une collecte de livres usagés est organisée au profit des écoles du {secteur}.",
        ],
        "posts": [
            "La nouvelle bibliothèque de {ville} est magnifique! Les enfants ne voulaient plus partir 📚",
            "Soirée jeux de société à la biblio des Quatre-Vents jeudi. Qui vient?",
            "Belle expo au centre culturel de {ville}, allez-y avant la fin du mois.",
            "Enfin une salle de création numérique à {ville}. Bravo à l'équipe de la biblio!",
            "Heure du conte samedi matin à {ville} : ma fille a adoré.",
        ],
    },
    "voirie": {
        "titles": [
            "Nids-de-poule : les automobilistes de {ville} excédés",
            "Travaux sur la {rue} : circulation perturbée jusqu'à {jour_fin}",
            "Réfection de la {rue} : {ville} promet des travaux plus rapides",
            "Déneigement et entretien des rues : {ville} revoit ses contrats",
        ],
        "sentences": [
            "Les travaux de réfection de la {rue} entraîneront des entraves à la circulation jusqu'à {jour_fin}.",
            "Des résidents du {secteur} dénoncent l'état de la chaussée, parsemée de nids-de-poule.",
            "La Ville affirme avoir colmaté plus de {n}00 nids-de-poule depuis le début de la saison.",
            "Un détour est proposé par la {rue2} pendant la durée du chantier.",
            "Les commerçants du secteur craignent une baisse d'achalandage pendant les travaux.",
            "Le contrat, d'une valeur de {montant} $, a été accordé au plus bas soumissionnaire.",
            "Selon la Ville, le remplacement des conduites souterraines se fera en même temps que le pavage.",
            "Les citoyens peuvent signaler un problème de voirie par l'application municipale ou au 311.",
        ],
        "posts": [
            "Encore un nid-de-poule géant sur la {rue} à {ville}. Mon pneu s'en souviendra.",
            "Les travaux sur la {rue} vont durer jusqu'à {jour_fin}?! Sérieux.",
            "Détour par la {rue2} ce matin, 25 minutes de plus. Merci {ville} 🙄",
            "Signalé un nid-de-poule au 311 de {ville}, réparé en deux jours. Chapeau!",
            "Quelqu'un sait quand finissent les travaux sur la {rue}?",
        ],
    },
    "velo": {
        "titles": [
            "Un nouveau lien cyclable relie {ville} et {voisine}",
            "Pistes cyclables : {ville} dévoile son plan de mobilité active",
            "Le réseau cyclable de {ville} s'allonge de {n} kilomètres",
        ],
        "sentences": [
            "Le nouveau tronçon de {n} kilomètres longe la rivière jusqu'à la limite de {voisine}.",
            "La Ville souhaite doubler la longueur de son réseau cyclable d'ici cinq ans.",
            "Des supports à vélos seront installés près des écoles et de la bibliothèque.",
            "Certains automobilistes regrettent la perte de places de stationnement sur la {rue}.",
            "Le club cyclo des Érables salue une « avancée majeure » pour la sécurité des cyclistes.",
            "Le projet coûtera {montant} $, dont une partie provient d'un programme provincial.",
            "Des corridors scolaires sécuritaires seront aménagés dans le {secteur}.",
        ],
        "posts": [
            "Testé le nouveau lien cyclable entre {ville} et {voisine} : superbe 🚲",
            "Des pistes cyclables oui, mais pas en enlevant tout le stationnement de la {rue}!",
            "Enfin un corridor scolaire sécuritaire dans le {secteur}. Merci {ville}.",
            "Le plan de mobilité active de {ville} est ambitieux. Reste à voir le financement.",
        ],
    },
    "logement": {
        "titles": [
            "Crise du logement : {ville} annonce {n}0 logements abordables",
            "Projet résidentiel contesté dans le {secteur}",
            "Logement : le taux d'inoccupation reste très bas à {ville}",
        ],
        "sentences": [
            "Le projet de {n}0 logements abordables sera construit sur un terrain municipal près de la {rue}.",
            "Le taux d'inoccupation à {ville} serait sous la barre de 1 %, selon un organisme local.",
            "Des voisins s'inquiètent de la hauteur de l'immeuble prévu et de la circulation.",
            "La mairesse {mairesse} estime que la Ville « doit faire sa part » face à la crise du logement.",
            "Un comité de logement social du {secteur} réclame davantage d'unités pour les familles.",
            "Les premières unités pourraient être livrées dans deux ans, si le financement est confirmé.",
            "Une consultation publique est prévue {jour} soir au centre communautaire.",
        ],
        "posts": [
            "Des logements abordables à {ville}, c'est une bonne nouvelle. Il en faudrait dix fois plus.",
            "Six étages dans le {secteur}? Ça ne cadre pas du tout avec le quartier.",
            "Trouver un 4 1/2 à {ville} en ce moment, c'est mission impossible.",
            "Consultation publique sur le projet de la {rue} {jour} soir. Allez-y!",
        ],
    },
    "festival": {
        "titles": [
            "Le Festival des Érables dévoile sa programmation",
            "Spectacles, marché et feux : la fin de semaine sera chargée à {ville}",
            "Le marché public de {ville} attire les foules",
        ],
        "sentences": [
            "La programmation du Festival des Érables compte {n} spectacles gratuits sur trois scènes.",
            "Les organisateurs attendent plus de {n} 000 visiteurs au parc riverain.",
            "Le marché public réunit une trentaine de producteurs de la région chaque samedi.",
            "Des navettes gratuites relieront le stationnement de l'aréna au site des festivités.",
            "La Ville investit {montant} $ dans l'événement, qui fête sa vingtième édition.",
            "Les bénévoles sont invités à s'inscrire en ligne d'ici {jour_fin}.",
            "{commerce} participe pour la première fois comme partenaire principal.",
        ],
        "posts": [
            "La programmation du Festival des Érables est sortie et elle est solide 🎶",
            "Marché public de {ville} ce matin : fraises, fromages et café. Parfait.",
            "Bénévole au Festival des Érables cette année, qui d'autre?",
            "Les navettes gratuites pour le festival, bonne idée {ville}!",
        ],
    },
    "sports": {
        "titles": [
            "Les Faucons des Érables remportent un match enlevant",
            "Aréna municipal : des rénovations de {montant} $ à {ville}",
            "Sport : {ville} accueillera un tournoi régional",
        ],
        "sentences": [
            "Les Faucons des Érables ont signé une victoire de {score} devant une foule record.",
            "L'aréna municipal fermera deux semaines pour le remplacement du système de réfrigération.",
            "Le tournoi régional réunira {n}0 équipes de hockey mineur de la vallée.",
            "Les heures de patin libre sont maintenues pendant la saison, selon le service des loisirs.",
            "Les inscriptions aux activités sportives de la Ville ont augmenté de {pct} % cette année.",
            "Un nouveau terrain synthétique sera aménagé au parc du {secteur}.",
        ],
        "posts": [
            "Quelle victoire des Faucons hier soir! {score}! L'aréna était plein.",
            "Patin libre à l'aréna de {ville} dimanche, avec les enfants ⛸️",
            "Tournoi régional de hockey mineur à {ville} : bonne chance aux jeunes!",
            "Les inscriptions aux loisirs de {ville} ouvrent à 9 h. Préparez vos doigts.",
        ],
    },
    "environnement": {
        "titles": [
            "{ville} plantera {n} 000 arbres d'ici trois ans",
            "Collecte des matières organiques : {ville} fait le bilan",
            "Berges de la rivière : un projet de renaturalisation à {ville}",
        ],
        "sentences": [
            "La Ville entend planter {n} 000 arbres pour augmenter sa canopée dans les quartiers plus minéralisés.",
            "Le bac brun a permis de détourner {n} 000 tonnes de matières organiques de l'enfouissement.",
            "Le projet de renaturalisation des berges vise à freiner l'érosion près du {secteur}.",
            "Des arbres gratuits seront distribués aux citoyens samedi au garage municipal.",
            "Un organisme environnemental local salue l'initiative, mais demande un suivi rigoureux.",
            "La collecte des résidus verts se poursuit toutes les deux semaines.",
        ],
        "posts": [
            "Distribution d'arbres gratuits à {ville} samedi, on y va en famille 🌳",
            "Le bac brun, ça marche! Fière de {ville} sur ce dossier.",
            "Renaturaliser les berges dans le {secteur}, excellente nouvelle.",
            "Pourquoi la collecte des résidus verts est-elle aux deux semaines à {ville}?",
        ],
    },
    "economie": {
        "titles": [
            "{entreprise} agrandit son usine et embauche à {ville}",
            "Parc industriel : {ville} courtise de nouveaux investisseurs",
            "Commerce local : le centre-ville de {ville} reprend des couleurs",
        ],
        "sentences": [
            "{entreprise} investira {montant} $ dans l'agrandissement de son usine du secteur industriel.",
            "L'entreprise prévoit créer {n}0 emplois au cours des deux prochaines années.",
            "La Ville offre un crédit de taxes aux entreprises qui s'installent dans son parc industriel.",
            "Plusieurs locaux vacants de la {rue} ont trouvé preneur cette année.",
            "La chambre de commerce de la vallée parle d'une « année charnière » pour la région.",
            "La pénurie de main-d'œuvre reste le principal défi des employeurs locaux.",
        ],
        "posts": [
            "{entreprise} embauche à {ville}, de bons emplois près de chez nous.",
            "Le centre-ville de {ville} revit, trois nouveaux commerces sur la {rue} 👏",
            "Achetez local : {commerce} à {ville} vaut le détour.",
            "Encore un local vide sur la {rue}. Le centre-ville a besoin d'aide.",
        ],
    },
    "voisine": {
        "titles": [
            "{voisine} gèle le compte de taxes pour une deuxième année",
            "Nouveau parc industriel à {voisine} : la concurrence s'intensifie",
            "{voisine} inaugure son complexe aquatique",
            "Le maire de {voisine}, {maire_voisin}, brigue un nouveau mandat",
        ],
        "sentences": [
            "Le conseil de {voisine} a adopté un budget sans hausse du compte de taxes résidentiel.",
            "Le maire {maire_voisin} affirme vouloir attirer les familles et les entreprises de la vallée.",
            "Le nouveau parc industriel de {voisine} pourrait accueillir une dizaine d'entreprises.",
            "Certains y voient une concurrence directe avec le parc industriel de {ville}.",
            "Le complexe aquatique de {voisine} a coûté {montant} $ et comprend deux bassins.",
            "Les résidents des municipalités voisines paieront un tarif plus élevé pour y accéder.",
            "{voisine} compte environ 16 000 habitants et connaît une forte croissance.",
        ],
        "posts": [
            "Gel de taxes à {voisine}, encore. Comment font-ils?",
            "Le complexe aquatique de {voisine} est vraiment beau. Dommage pour le tarif non-résident.",
            "{voisine} vient chercher les entreprises de la vallée avec son nouveau parc industriel.",
            "{maire_voisin} se représente à {voisine}. Pas surprenant.",
        ],
    },
    "transport": {
        "titles": [
            "Transport collectif : une nouvelle ligne d'autobus à {ville}",
            "Navette vers la gare : {ville} lance un projet pilote",
        ],
        "sentences": [
            "La nouvelle ligne {n} desservira le {secteur} toutes les 20 minutes en heure de pointe.",
            "La navette vers la gare de train sera gratuite pendant les trois premiers mois.",
            "L'organisme régional de transport prévoit une hausse de l'achalandage de {pct} %.",
            "Des usagers demandent un service le dimanche, absent de l'horaire actuel.",
            "Le projet pilote coûtera {montant} $ et fera l'objet d'une évaluation dans un an.",
        ],
        "posts": [
            "Nouvelle ligne d'autobus dans le {secteur} de {ville}, enfin!",
            "Toujours pas de bus le dimanche à {ville}. On fait comment sans auto?",
            "La navette gratuite vers la gare, testée ce matin : à l'heure et confortable.",
        ],
    },
    # -- the crisis ----------------------------------------------------------------------------
    "eau_gout": {
        "titles": [
            "Eau au goût de chlore : des plaintes à {ville}",
        ],
        "sentences": [
            "Plusieurs résidents du {secteur} signalent une eau trouble et un goût prononcé de chlore.",
            "La Ville affirme que l'eau respecte les normes et que des analyses sont en cours.",
            "Des travaux d'entretien à l'usine de filtration des Berges pourraient expliquer le phénomène.",
        ],
        "posts": [
            "L'eau du robinet goûte vraiment le chlore à {ville} depuis hier. Normal?",
            "Eau un peu brouillée ce matin dans le {secteur}. Quelqu'un d'autre?",
            "Odeur bizarre de l'eau à {ville}, j'ai appelé le 311, on verra.",
        ],
    },
    "bris": {
        "titles": [
            "Bris d'aqueduc majeur : avis de faire bouillir l'eau à {ville}",
            "Avis préventif d'ébullition dans le {secteur} à {ville}",
            "Eau brunâtre et basse pression : {ville} demande de faire bouillir l'eau",
            "Bris sur le boulevard des Érables : des milliers de foyers touchés",
        ],
        "sentences": [
            "Un bris majeur sur une conduite principale du boulevard des Érables a provoqué une chute de pression dans le réseau.",
            "La Ville de {ville} a émis un avis préventif de faire bouillir l'eau pour le {secteur} et le quartier du Vieux-Moulin.",
            "Les résidents doivent faire bouillir l'eau au moins une minute avant de la boire ou de s'en servir pour cuisiner.",
            "Près de {n} 000 foyers seraient touchés, selon les premières estimations de la municipalité.",
            "Des équipes des travaux publics sont à pied d'œuvre pour réparer la conduite, installée en 1968.",
            "Plusieurs citoyens rapportent une eau brunâtre et une pression très faible depuis la nuit dernière.",
            "La circulation est interdite sur le boulevard des Érables entre la {rue} et la {rue2}.",
            "La Ville dit ne pas pouvoir préciser quand l'avis sera levé.",
            "Des résidents déplorent avoir appris la nouvelle sur les réseaux sociaux plutôt que par la Ville.",
        ],
        "posts": [
            "Avis de faire bouillir l'eau à {ville}! Secteur Est et Vieux-Moulin. Partagez.",
            "L'eau est BRUNE chez nous dans le {secteur}. Personne ne nous a avertis.",
            "Bris d'aqueduc sur le boulevard des Érables, c'est le chaos ce matin à {ville}.",
            "On apprend l'avis d'ébullition par Facebook et pas par la Ville. Bravo {ville}.",
            "Pas de pression d'eau depuis 5 h ce matin dans le {secteur}. On fait comment pour les enfants?",
            "Faites bouillir l'eau au moins une minute, citoyens de {ville}. Prenez soin de vous.",
            "Les épiceries de {ville} sont déjà à court d'eau embouteillée.",
        ],
    },
    "ecoli": {
        "titles": [
            "E. coli détectée : l'avis d'ébullition s'étend à tout {ville}",
            "Eau contaminée à {ville} : les écoles fermées",
            "Contamination de l'eau potable : la santé publique intervient à {ville}",
            "Eau potable : distribution de bouteilles à l'aréna de {ville}",
        ],
        "sentences": [
            "Des analyses ont confirmé la présence de bactéries E. coli dans plusieurs échantillons prélevés sur le réseau.",
            "L'avis de faire bouillir l'eau s'applique désormais à l'ensemble du territoire de {ville}, soit environ 38 000 personnes.",
            "La {medecin}, de la santé publique régionale, recommande aux personnes vulnérables de boire uniquement de l'eau embouteillée.",
            "Les {n} écoles primaires et l'école secondaire de la ville resteront fermées au moins jusqu'à {jour_fin}.",
            "La Ville distribue de l'eau embouteillée à l'aréna municipal de 8 h à 20 h.",
            "Plusieurs restaurants et garderies ont dû fermer leurs portes temporairement.",
            "Trois personnes auraient consulté pour des symptômes gastro-intestinaux, sans lien confirmé avec l'eau.",
            "La mairesse {mairesse} assure que « la santé de la population est notre seule priorité ».",
            "Des citoyens dénoncent de longues files d'attente et un manque d'information.",
        ],
        "posts": [
            "E. coli dans l'eau de {ville}. Les écoles sont fermées. On est où, là?",
            "Deux heures de file à l'aréna pour des bouteilles d'eau. Inacceptable.",
            "Mes enfants sont malades depuis hier. Est-ce que c'est l'eau? Personne ne répond à {ville}.",
            "Eau contaminée à {ville} : les garderies ferment, je fais quoi avec mon bébé demain?",
            "Distribution d'eau à l'aréna jusqu'à 20 h. Pensez aux voisins âgés qui ne conduisent pas.",
            "Comment une ville de 38 000 habitants peut-elle laisser passer de l'E. coli dans l'eau potable?",
            "Restaurant fermé à cause de l'eau contaminée. Trois jours de pertes. Qui paie?",
        ],
    },
    "colere": {
        "titles": [
            "Eau contaminée : la colère gronde à {ville}",
            "Des citoyens appellent au boycott de la taxe d'eau à {ville}",
            "Pétition : plus de {n} 000 signatures pour une enquête indépendante",
        ],
        "sentences": [
            "Une pétition réclamant une enquête indépendante sur la gestion de l'eau potable a recueilli plus de {n} 000 signatures.",
            "Un groupe de citoyens appelle au boycott de la taxe d'eau tant que la Ville n'aura pas rendu des comptes.",
            "Sur les réseaux sociaux, le mot-clic #EauSLDE est devenu le point de ralliement des résidents en colère.",
            "Des commerçants du centre-ville réclament une compensation pour les pertes subies.",
            "{opposant} qualifie la situation de « scandale » et exige la démission du directeur général.",
            "Une manifestation est prévue devant l'hôtel de ville {jour} à midi.",
            "Plusieurs citoyens jugent la communication de la Ville « confuse et tardive ».",
        ],
        "posts": [
            "Boycott de la taxe d'eau à {ville} tant qu'on n'aura pas de réponses. Je suis.",
            "Honte à l'administration de {ville}. On paie nos taxes pour avoir de l'eau potable!",
            "Manif devant l'hôtel de ville {jour} midi. Soyons nombreux. #EauSLDE",
            "Le silence de la mairie de {ville} est assourdissant. Démission!",
            "Scandale de l'eau à {ville} : on veut une enquête indépendante, pas des excuses.",
            "Trois jours sans eau potable et la mairesse parle de « situation sous contrôle ». Vraiment?",
        ],
    },
    "greve": {
        "titles": [
            "Menace de grève des cols bleus à {ville}",
            "Crise de l'eau : le syndicat des cols bleus de {ville} parle de grève",
            "Les employés des travaux publics de {ville} épuisés, le syndicat menace de débrayer",
        ],
        "sentences": [
            "Le Syndicat des employés municipaux des Érables dénonce des quarts de travail de 16 heures depuis le bris.",
            "Sa présidente, {syndic}, affirme que l'usine de filtration fonctionne avec la moitié du personnel requis.",
            "Le syndicat tiendra un vote sur un mandat de grève {jour} soir.",
            "Une grève des cols bleus pourrait retarder la réparation du réseau et la levée de l'avis.",
            "La Ville dit respecter le droit de grève, mais rappelle que des services essentiels doivent être maintenus.",
            "Les cols bleus réclament l'embauche de {n} opérateurs et la fin des heures supplémentaires obligatoires.",
        ],
        "posts": [
            "Les cols bleus de {ville} travaillent 16 h par jour pour réparer le réseau. Grève ou pas, respect à eux.",
            "Une grève en pleine crise de l'eau à {ville}? On n'avait pas besoin de ça.",
            "Le syndicat avait dénoncé le manque de personnel à l'usine il y a des mois. Personne n'a écouté.",
            "Vote de grève des cols bleus {jour}. {ville} s'enfonce dans la crise.",
        ],
    },
    "rapport": {
        "titles": [
            "Un rapport de {annee_rapport} recommandait de remplacer la conduite",
            "Eau potable : {ville} savait depuis des années, selon un rapport",
            "Crise de l'eau : l'opposition exige la démission du directeur général",
        ],
        "sentences": [
            "Un rapport d'ingénierie daté de {annee_rapport}, obtenu par nos journalistes, recommandait le remplacement urgent de la conduite.",
            "Le document évaluait à {montant} $ le coût des travaux, reportés à plusieurs reprises.",
            "Le directeur général {dg} soutient que les travaux étaient prévus au plan triennal d'immobilisations.",
            "{opposant} accuse l'administration d'avoir « joué avec la santé des citoyens ».",
            "La mairesse {mairesse} promet de rendre public l'ensemble des rapports d'inspection.",
            "Le ministère des Affaires municipales dit suivre la situation de près.",
        ],
        "posts": [
            "Ils SAVAIENT depuis {annee_rapport}. Le rapport recommandait de changer la conduite. {ville}, c'est grave.",
            "Le rapport de {annee_rapport} sur l'aqueduc, c'est le coup de grâce pour l'administration de {ville}.",
            "Démission du DG de {ville} exigée. Minimum.",
        ],
    },
    "entraide": {
        "titles": [
            "{voisine} vient en aide à {ville} avec des camions-citernes",
            "Solidarité : les municipalités voisines au secours de {ville}",
        ],
        "sentences": [
            "{voisine} a dépêché trois camions-citernes d'eau potable vers {ville}.",
            "Le maire de {voisine}, {maire_voisin}, affirme que « c'est ça, être de bons voisins ».",
            "Des bénévoles aident à la distribution d'eau auprès des personnes âgées du {secteur}.",
            "Des entreprises de la région ont offert des palettes de bouteilles d'eau.",
            "La Croix-Rouge a ouvert un point de service au centre communautaire.",
        ],
        "posts": [
            "Merci à {voisine} pour les camions-citernes! Ça, c'est de la solidarité régionale.",
            "Bénévoles recherchés pour livrer de l'eau aux aînés du {secteur}. Écrivez-moi.",
            "Pendant que {ville} cafouille, {voisine} envoie de l'eau. Ça en dit long.",
            "{commerce} donne de l'eau embouteillée à qui en a besoin. Merci!",
        ],
    },
}

# Posted by the city's own (fictional) account during the crisis.
OFFICIAL = [
    "MISE À JOUR : l'avis de faire bouillir l'eau demeure en vigueur dans le {secteur}. Faites bouillir l'eau au moins une minute. Info : 311.",
    "La distribution d'eau embouteillée se poursuit à l'aréna municipal, de 8 h à 20 h. Apportez vos sacs.",
    "Les réparations de la conduite du boulevard des Érables progressent. Prochain point de presse à 16 h.",
]

# Said by many accounts almost word for word: the near-duplicate grouping should gather them.
COPYPASTE = [
    "Nous exigeons une enquête indépendante sur la gestion de l'eau potable à Saint-Laurent-des-Érables. "
    "Les citoyens ont droit à la vérité et à une eau saine. Signez et partagez la pétition : "
    "https://petition.erables.example/eau-potable #EauSLDE",
]

# The city's own statement, reprinted nearly verbatim by outlets and blogs.
COMMUNIQUE = {
    "title": "COMMUNIQUÉ – Avis de faire bouillir l'eau étendu à tout le territoire",
    "text": (
        "La Ville de Saint-Laurent-des-Érables informe la population que l'avis de faire bouillir l'eau "
        "s'applique désormais à l'ensemble de son territoire, à la suite de résultats d'analyse révélant "
        "la présence de bactéries E. coli dans le réseau d'aqueduc. Il est demandé de faire bouillir l'eau "
        "à gros bouillons pendant au moins une minute avant de la consommer. De l'eau embouteillée est "
        "distribuée gratuitement à l'aréna municipal de 8 h à 20 h. Les écoles du territoire demeurent "
        "fermées jusqu'à nouvel ordre. Renseignements : 311 ou le site Web de la Ville."
    ),
}

# Openers and closers that fit any tone: a post's mood comes from its topic line.
OPENERS = ["", "", "", "Bon.", "Sérieux.", "À lire :", "Franchement.", "Info du jour :",
           "Pour les gens de {ville} :", "Je l'avais dit.", "Wow.", "Hmm.", "Rappel :", "Ouf.", "Bref."]
CLOSERS = ["", "", "", "Qu'en pensez-vous?", "À suivre.", "😕", "👏", "🙄", "…", "Partagez!",
           "Bonne journée!", "Ça promet.", "Votre avis?", "J'ai hâte de voir la suite.", "🤔"]
PRESS_CONTEXT = [
    "Rappelons que {ville} compte environ 38 000 habitants.",
    "La Ville n'avait pas réagi au moment d'écrire ces lignes.",
    "Des précisions sont attendues dans les prochains jours.",
    "La municipalité connaît une croissance démographique soutenue depuis cinq ans.",
    "Le dossier sera de nouveau discuté à la prochaine séance du conseil.",
    "Plusieurs résidents rencontrés sur place partagent cet avis.",
    "« On veut simplement être informés », résume {citoyen}, résidente du {secteur}.",
    "« C'est une question de confiance », estime {citoyen}, qui habite la {rue} depuis vingt ans.",
]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
